/**
 * What the dashboard shows, read from the same sources the metrics read:
 * `Counters` (broadcasts, deliveries, disconnects, subscriptions, RPC), the
 * hub (active streams) and the session registry (connections). One sample per
 * second is kept for the last minutes (the chart); no per-message data, no
 * stream or user names, nothing secret. Plain class, one timer.
 */
import type { Hub } from '../hub/hub.js';
import type { SessionRegistry } from '../hub/session-registry.js';
import { DISCONNECTS_PREFIX, SUBSCRIPTIONS_PREFIX, type Counters, type DisconnectRecord } from '../metrics/counters.js';

/** One point of the chart. */
export interface DashboardSample {
  /** Epoch ms. */
  readonly at: number;
  readonly connections: number;
  readonly streams: number;
  readonly broadcastsPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly disconnectsPerSecond: number;
}

/** Everything the page renders, as `GET <dashboard_path>/stats` returns it. */
export interface DashboardSnapshot {
  readonly at: number;
  readonly connections: number;
  readonly streams: number;
  /** Live subscriptions by channel name. */
  readonly subscriptions: Readonly<Record<string, number>>;
  readonly broadcastsTotal: number;
  readonly deliveriesTotal: number;
  readonly broadcastsPerSecond: number;
  readonly deliveriesPerSecond: number;
  /** Disconnects since start, by reason. */
  readonly disconnects: Readonly<Record<string, number>>;
  readonly rpc: { readonly calls: number; readonly errors: number };
  readonly recentDisconnects: readonly DisconnectRecord[];
  /** One sample per second, oldest first. */
  readonly history: readonly DashboardSample[];
}

/** Seconds of history kept for the chart (five minutes). */
export const HISTORY_SECONDS = 300;

/** Counter totals read at each sample, to turn into rates. */
interface Totals {
  at: number;
  broadcasts: number;
  deliveries: number;
  disconnects: number;
}

/** The values of every counter whose name starts with `prefix`, keyed by the rest of the name. */
function byPrefix(snapshot: Readonly<Record<string, number>>, prefix: string, skipZero: boolean): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(snapshot)) if (name.startsWith(prefix) && !(skipZero && value === 0)) out[name.slice(prefix.length)] = value;
  return out;
}

/** See file comment. */
export class DashboardStats {
  private readonly history: DashboardSample[] = [];
  private last?: Totals;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly counters: Counters,
    private readonly hub: Pick<Hub, 'streamCount'>,
    private readonly registry: Pick<SessionRegistry, 'size'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Sample once a second until `stop`. */
  start(): void {
    this.stop();
    this.sample();
    this.timer = setInterval(() => this.sample(), 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Take one sample: rates since the previous one. */
  sample(): void {
    const totals = this.totals();
    const previous = this.last ?? totals;
    const seconds = Math.max((totals.at - previous.at) / 1000, 1e-3);
    const rate = (key: keyof Omit<Totals, 'at'>) => (previous === totals ? 0 : round((totals[key] - previous[key]) / seconds));
    this.history.push({
      at: totals.at,
      connections: this.registry.size,
      streams: this.hub.streamCount,
      broadcastsPerSecond: rate('broadcasts'),
      deliveriesPerSecond: rate('deliveries'),
      disconnectsPerSecond: rate('disconnects'),
    });
    if (this.history.length > HISTORY_SECONDS) this.history.shift();
    this.last = totals;
  }

  /** The current numbers and the history. */
  snapshot(): DashboardSnapshot {
    const counters = this.counters.snapshot();
    const latest = this.history.at(-1);
    return {
      at: this.now(),
      connections: this.registry.size,
      streams: this.hub.streamCount,
      subscriptions: byPrefix(counters, SUBSCRIPTIONS_PREFIX, true),
      broadcastsTotal: this.counters.broadcasts,
      deliveriesTotal: this.counters.deliveries,
      broadcastsPerSecond: latest?.broadcastsPerSecond ?? 0,
      deliveriesPerSecond: latest?.deliveriesPerSecond ?? 0,
      disconnects: byPrefix(counters, DISCONNECTS_PREFIX, false),
      rpc: { calls: this.counters.rpc.calls, errors: this.counters.rpc.errors },
      recentDisconnects: this.counters.recentDisconnects(),
      history: [...this.history],
    };
  }

  private totals(): Totals {
    const disconnects = Object.values(byPrefix(this.counters.snapshot(), DISCONNECTS_PREFIX, false)).reduce((a, b) => a + b, 0);
    return { at: this.now(), broadcasts: this.counters.broadcasts, deliveries: this.counters.deliveries, disconnects };
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
