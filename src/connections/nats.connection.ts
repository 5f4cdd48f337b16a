/**
 * One NATS connection for an edge (anycable nats/config.go options): connects
 * with retries when the server is down at start, lets the client reconnect
 * forever with a capped, jittered backoff afterwards (it re-sends every
 * subscription itself), and reports each up/down change to the edge's status.
 */
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { NatsSettings } from '../config/nats.options.js';
import { backoffMs, type EdgeStatus } from '../lifecycle/edge-status.js';

/** Handles one message's payload, decoded as UTF-8. */
export type NatsHandler = (payload: string) => void;

/** See file comment. */
export class NatsEdgeConnection {
  private nc?: NatsConnection;
  private readonly wanted = new Map<string, NatsHandler>();
  private readonly subs = new Map<string, Subscription>();
  private attempt = 0;
  private retry?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly settings: NatsSettings,
    private readonly name: string,
    private readonly status: EdgeStatus,
  ) {}

  /** First connection attempt; on failure the next ones run in the background. */
  async start(): Promise<void> {
    await this.connectOnce();
  }

  /** Subscribe `subject` (now when connected, else on connect). */
  subscribe(subject: string, handler: NatsHandler): void {
    if (this.wanted.has(subject)) return;
    this.wanted.set(subject, handler);
    if (this.nc) this.open(this.nc, subject, handler);
  }

  /** Unsubscribe `subject`. */
  unsubscribe(subject: string): void {
    if (!this.wanted.delete(subject)) return;
    this.subs.get(subject)?.unsubscribe();
    this.subs.delete(subject);
  }

  /** Publish when connected; false (nothing sent) while disconnected, so the caller can count the drop. */
  publish(subject: string, payload: string): boolean {
    if (!this.nc || !this.status.isUp) return false;
    try {
      this.nc.publish(subject, payload);
      return true;
    } catch {
      return false;
    }
  }

  /** Drain (unsubscribe everything, flush) and close; a hard close if NATS is gone. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.status.stop();
    const nc = this.nc;
    this.nc = undefined;
    this.wanted.clear();
    this.subs.clear();
    if (!nc || nc.isClosed()) return;
    const drained = nc.drain().catch(() => nc.close());
    // why a bound: drain waits for the server, which may be the thing that is down.
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 2000).unref());
    await Promise.race([drained, timeout]);
    if (!nc.isClosed()) await nc.close().catch(() => undefined);
  }

  private async connectOnce(): Promise<void> {
    if (this.stopped) return;
    try {
      const nc = await connect({
        servers: [...this.settings.servers],
        noRandomize: this.settings.dontRandomize,
        name: this.name,
        timeout: 2000,
        reconnect: true,
        maxReconnectAttempts: -1,
        reconnectDelayHandler: () => backoffMs(++this.attempt),
      });
      if (this.stopped) return void nc.close();
      this.attached(nc);
    } catch (error) {
      this.status.down((error as Error).message);
      this.retry = setTimeout(() => void this.connectOnce(), backoffMs(++this.attempt));
      this.retry.unref();
    }
  }

  private attached(nc: NatsConnection): void {
    this.nc = nc;
    this.attempt = 0;
    for (const [subject, handler] of this.wanted) this.open(nc, subject, handler);
    this.status.up();
    void this.watch(nc);
  }

  private open(nc: NatsConnection, subject: string, handler: NatsHandler): void {
    this.subs.set(subject, nc.subscribe(subject, {
      callback: (error, msg) => {
        if (!error) handler(msg.string());
      },
    }));
  }

  /** Follow the client's status: disconnect = down, reconnect = up (server errors such as a slow consumer are not outages); a close we did not ask for starts over. */
  private async watch(nc: NatsConnection): Promise<void> {
    for await (const event of nc.status()) {
      if (event.type === 'disconnect') this.status.down(`disconnected from ${event.server}`);
      else if (event.type === 'reconnect') {
        this.attempt = 0;
        this.status.up();
      }
    }
    if (this.stopped || this.nc !== nc) return;
    this.nc = undefined;
    this.subs.clear();
    this.status.down('connection closed');
    void this.connectOnce();
  }
}
