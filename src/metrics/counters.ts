/**
 * Plain in-process counters for events the operations side needs to see
 * (limits hit, publications dropped, ...). The hot path increments a number in
 * a Map; an exporter (Prometheus, the dashboard) reads `snapshot()`.
 * Names never carry a stream, user or other per-client value.
 */

/** Per-connection bounds that can be hit (docs/security.md). */
export type LimitName = 'max_subscriptions' | 'max_identifiers_per_stream' | 'command_rate' | 'whisper_rate' | 'pending_frames' | 'fragments' | 'ws_max_pending_size';

/** Counter names read by the dashboard; the RPC clients increment the two `rpc_*` ones once they are wired. */
export const COUNTER = {
  /** Publications delivered by this node's hub (one per publication, whatever its subscriber count). */
  broadcasts: 'broadcasts_total',
  /** Frames handed to sockets by the hub. */
  deliveries: 'deliveries_total',
  /** RPC calls made (Connect, Command, Disconnect). */
  rpcCalls: 'rpc_calls_total',
  /** RPC calls that failed (unavailable, timeout, ERROR status). */
  rpcErrors: 'rpc_errors_total',
} as const;

/**
 * Prefix of the refused-connection counters, one label per cause: `unauthorized` / `token_expired`
 * (identification said no), `identify_error` (it failed on our side), and at the upgrade
 * `origin`, `max_conn`, `shutting_down`, `invalid_host`.
 */
export const REJECTED_CONNECTIONS = 'rejected_connections_total:';

/** Prefix of the per-reason disconnect counters (`disconnects_total:too_slow`). */
export const DISCONNECTS_PREFIX = 'disconnects_total:';
/** Prefix of the per-channel live-subscription gauges (`subscriptions:ChatChannel`). */
export const SUBSCRIPTIONS_PREFIX = 'subscriptions:';

/** One closed connection, as the dashboard lists it: when and why, nothing about who. */
export interface DisconnectRecord {
  /** Epoch ms. */
  readonly at: number;
  /** Catalogued reason, close text (`Auth Error`) or `closed by client`. */
  readonly reason: string;
}

/** How many recent disconnects are kept. */
const RECENT_DISCONNECTS = 50;
/** Distinct channel names tracked; a Rails app confirming invented names cannot grow the map past this. */
const MAX_CHANNELS = 100;
/** Where subscriptions of channels past `MAX_CHANNELS` are counted. */
const OTHER_CHANNELS = '(other)';

/** See file comment. */
export class Counters {
  private readonly values = new Map<string, number>();
  // why a fixed ring: one slot write per disconnect, no allocation growth.
  private readonly recent: (DisconnectRecord | undefined)[] = new Array(RECENT_DISCONNECTS);
  private recentNext = 0;
  private channels = 0;

  /** Add `by` to counter `name`. */
  add(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  /** Count one hit of a per-connection limit (`limit_hits_total{limit}`). */
  limitHit(limit: LimitName): void {
    this.add(`limit_hits_total:${limit}`);
  }

  /** A connection closed; `reason` is a fixed label (catalogue reason or close text), never client data. */
  disconnected(reason: string, now: number = Date.now()): void {
    this.add(DISCONNECTS_PREFIX + reason);
    this.recent[this.recentNext] = { at: now, reason };
    this.recentNext = (this.recentNext + 1) % RECENT_DISCONNECTS;
  }

  /** A subscription to `channel` was recorded (+1) or dropped (-1). */
  subscriptionsChanged(channel: string, delta: 1 | -1): void {
    let name = SUBSCRIPTIONS_PREFIX + channel;
    if (!this.values.has(name)) {
      if (this.channels >= MAX_CHANNELS) name = SUBSCRIPTIONS_PREFIX + OTHER_CHANNELS;
      else this.channels++;
    }
    this.add(name, delta);
  }

  /** The most recent disconnects, newest first. */
  recentDisconnects(): DisconnectRecord[] {
    const out: DisconnectRecord[] = [];
    for (let i = 1; i <= RECENT_DISCONNECTS; i++) {
      const record = this.recent[(this.recentNext - i + RECENT_DISCONNECTS) % RECENT_DISCONNECTS];
      if (record) out.push(record);
    }
    return out;
  }

  /** Current value of `name` (0 when never incremented). */
  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Copy of every counter, for exporters and tests. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.values);
  }
}
