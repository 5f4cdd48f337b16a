/**
 * The shared ping timers and the pong deadline check. Every session is pinged by one timer at
 * `ping_interval`; a connection that asked for its own interval or timestamp precision
 * (`?pi=`, `?ptp=`, anycable cli/session_options.go) joins a bucket of connections with the same
 * settings, one timer per bucket. anycable-go keeps a timer per session (node/session.go); one per
 * bucket keeps idle connections free of timers, and the buckets are bounded (see session-options).
 *
 * `pong_timeout` (anycable node/session.go `handleNoPong`) is checked on the same ticks: a session
 * whose `lastHeardTick` is set (an `actioncable-v1-ext-json` connection while pongs are required) and
 * lies `pong_timeout` or more in the past is disconnected with `no_pong` instead of pinged. So a
 * silent client is cut off between 1x timeout and timeout + its ping interval.
 */
import { pingFrame, type PingPrecision } from '../protocol/messages.js';
import type { DisconnectReason } from '../protocol/disconnect-reasons.js';

/** Unit of the keepalive clock, in ms. */
export const KEEPALIVE_TICK_MS = 100;
const KEEPALIVE_EPOCH = Date.now();

/**
 * The keepalive clock: 100 ms ticks since this module loaded, from 1 (0 means "not tracked").
 * why not Date.now(): a small integer stays a V8 small integer in the session object, while a
 * Date.now() double turns the field into a boxed number, +16 bytes on every session (measured).
 */
export function keepaliveTicks(nowMs: number = Date.now()): number {
  return Math.max(1, Math.floor((nowMs - KEEPALIVE_EPOCH) / KEEPALIVE_TICK_MS) + 1);
}

/** What the ping timers need from a session (a subset of `RegisteredSession`). */
export interface PingedSession {
  readonly isOpen: boolean;
  /**
   * `keepaliveTicks()` of the last frame heard from the client while pongs are required; 0 or
   * absent = not required. why a number and not a timer: no timer and no object per connection.
   */
  readonly lastHeardTick?: number;
  disconnect(reason: DisconnectReason, reconnect?: boolean): void;
  sendControl(frame: Buffer): void;
}

/** Ping settings asked for by one connection; an absent field keeps the server's value. */
export interface PingOverride {
  readonly intervalSeconds?: number;
  readonly precision?: PingPrecision;
}

/** The server-wide ping settings (the `ws` slice). */
export interface PingDefaults {
  /** 0 = no pings for connections without `?pi`. */
  readonly intervalSeconds: number;
  readonly precision: PingPrecision;
  /** 0 = pongs never checked. */
  readonly pongTimeoutMs: number;
}

/** Connections sharing one (interval, precision) other than the defaults, and their timer. */
interface PingBucket {
  readonly key: string;
  readonly intervalSeconds: number;
  readonly precision: PingPrecision;
  readonly sessions: Set<PingedSession>;
  timer?: NodeJS.Timeout;
}

/** See file comment. */
export class PingSchedule {
  private defaults?: PingDefaults;
  private defaultTimer?: NodeJS.Timeout;
  private readonly buckets = new Map<string, PingBucket>();
  /** Only connections with their own settings are here; the others cost nothing. */
  private readonly bucketOf = new Map<PingedSession, PingBucket>();

  constructor(
    /** Every session (the default timer pings those without a bucket). */
    private readonly everySession: () => Iterable<PingedSession>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Start (or restart) the timers with `defaults`. */
  start(defaults: PingDefaults): void {
    this.stop();
    this.defaults = defaults;
    if (defaults.intervalSeconds > 0) {
      this.defaultTimer = setInterval(() => this.tick(this.everySession(), defaults.precision, true), defaults.intervalSeconds * 1000);
      this.defaultTimer.unref();
    }
    for (const bucket of this.buckets.values()) this.startBucket(bucket);
  }

  /** Stop every timer (shutdown); connections keep their buckets. */
  stop(): void {
    if (this.defaultTimer) clearInterval(this.defaultTimer);
    this.defaultTimer = undefined;
    for (const bucket of this.buckets.values()) {
      if (bucket.timer) clearInterval(bucket.timer);
      bucket.timer = undefined;
    }
    this.defaults = undefined;
  }

  /** Give `session` its own settings; settings equal to the defaults (or pings not started) change nothing. */
  customize(session: PingedSession, override: PingOverride): void {
    const defaults = this.defaults;
    if (!defaults) return;
    const intervalSeconds = override.intervalSeconds ?? defaults.intervalSeconds;
    const precision = override.precision ?? defaults.precision;
    if (intervalSeconds === defaults.intervalSeconds && precision === defaults.precision) return;
    this.forget(session);
    const key = `${intervalSeconds}:${precision}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { key, intervalSeconds, precision, sessions: new Set() };
      this.buckets.set(key, bucket);
      this.startBucket(bucket);
    }
    bucket.sessions.add(session);
    this.bucketOf.set(session, bucket);
  }

  /** The session is gone: leave its bucket (the last one out stops the bucket's timer). */
  forget(session: PingedSession): void {
    const bucket = this.bucketOf.get(session);
    if (!bucket) return;
    this.bucketOf.delete(session);
    bucket.sessions.delete(session);
    if (bucket.sessions.size > 0) return;
    if (bucket.timer) clearInterval(bucket.timer);
    this.buckets.delete(bucket.key);
  }

  /** Number of live per-connection timers (for tests and the docs' claim that they are bounded). */
  get bucketCount(): number {
    return this.buckets.size;
  }

  /**
   * One tick: disconnect sessions past their pong deadline, ping the others. `skipCustom`: the
   * default timer leaves connections with their own bucket alone. Public for unit tests.
   */
  tick(sessions: Iterable<PingedSession>, precision: PingPrecision, skipCustom = false): void {
    const now = this.now();
    const pongTimeoutMs = this.defaults?.pongTimeoutMs ?? 0;
    const nowTick = keepaliveTicks(now);
    // why: one frame Buffer per tick for every socket, not one timer or string per socket.
    const frame = Buffer.from(pingFrame(now, precision));
    const custom = skipCustom && this.bucketOf.size > 0 ? this.bucketOf : undefined;
    for (const session of sessions) {
      // Sessions still identifying (or closing) get neither pings nor a pong check.
      if (!session.isOpen || custom?.has(session)) continue;
      const heard = session.lastHeardTick;
      if (heard && pongTimeoutMs > 0 && (nowTick - heard) * KEEPALIVE_TICK_MS >= pongTimeoutMs) session.disconnect('no_pong');
      else session.sendControl(frame);
    }
  }

  private startBucket(bucket: PingBucket): void {
    if (!this.defaults || bucket.timer || bucket.intervalSeconds <= 0) return;
    bucket.timer = setInterval(() => this.tick(bucket.sessions, bucket.precision), bucket.intervalSeconds * 1000);
    bucket.timer.unref();
  }
}
