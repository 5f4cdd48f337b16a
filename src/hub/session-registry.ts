/**
 * Live sessions, indexed by sid and by identifiers (for remote disconnects),
 * plus the shared timers: one for pings (anycable node/node.go keeps a single
 * ticker too) and one sweeping sessions whose identification takes too long.
 */
import { randomBytes } from 'node:crypto';
import type { DisconnectReason } from '../protocol/disconnect-reasons.js';
import { PingSchedule, type PingDefaults, type PingedSession, type PingOverride } from './ping-schedule.js';

/** What the registry needs from a session (implemented by cable/Session). */
export interface RegisteredSession extends PingedSession {
  readonly sid: string;
  readonly identifiers: string;
  /** Close at once, without waiting for the peer (end of the shutdown drain). */
  terminate(): void;
}

/** 21-character URL-safe random id, like anycable's nanoid sids. */
export function newSid(): string {
  return randomBytes(16).toString('base64url').slice(0, 21);
}

/** Disconnect `session` unless it is already closing; returns how many were disconnected (0 or 1). */
function disconnectIfOpen(session: RegisteredSession, reason: DisconnectReason, reconnect: boolean): number {
  if (!session.isOpen) return 0;
  session.disconnect(reason, reconnect);
  return 1;
}

/** The set of connected sessions. */
export class SessionRegistry {
  private readonly sessions = new Map<string, RegisteredSession>();
  /**
   * Identified sessions by their identifiers string, so a remote disconnect does not scan every session.
   * why a bare session for one holder: identifiers are usually unique per connection (and always in
   * noauth mode), and a Set per connection would cost about 200 bytes of idle heap each.
   */
  private readonly byIdentifiers = new Map<string, RegisteredSession | Set<RegisteredSession>>();
  /**
   * Sessions still identifying, with when they started; insertion order is start
   * order, so a sweep stops at the first one still within its deadline.
   */
  private readonly identifying = new Map<RegisteredSession, number>();
  private pings?: PingSchedule;
  private identifyTimer?: NodeJS.Timeout;
  private draining = false;

  /** Number of sessions (identified or not). */
  get size(): number {
    return this.sessions.size;
  }

  /** Distinct identifiers strings among identified open sessions (anycable's `clients_uniq_num`). */
  get uniqueIdentifiers(): number {
    return this.byIdentifiers.size;
  }

  /** False once shutdown has begun: new upgrades are refused with 503. */
  get accepting(): boolean {
    return !this.draining;
  }

  /** Shutdown has begun. */
  startDrain(): void {
    this.draining = true;
  }

  /** A sid for a new connection: the proxy's `X-Request-ID` when unused, else random. */
  allocateSid(requestId: string | undefined): string {
    if (requestId && requestId.length <= 128 && !this.sessions.has(requestId)) return requestId;
    let sid = newSid();
    while (this.sessions.has(sid)) sid = newSid();
    return sid;
  }

  /** Register a new session; it counts as identifying (for the deadline) from `now` until `identified`. */
  add(session: RegisteredSession, now: number = Date.now()): void {
    this.sessions.set(session.sid, session);
    this.identifying.set(session, now);
  }

  /**
   * Identification finished (call after the session applied the outcome): the deadline no longer
   * applies, and an accepted (open) session is indexed under its identifiers for remote disconnects.
   */
  identified(session: RegisteredSession): void {
    this.identifying.delete(session);
    if (!session.isOpen || this.sessions.get(session.sid) !== session) return;
    const held = this.byIdentifiers.get(session.identifiers);
    if (held === undefined) this.byIdentifiers.set(session.identifiers, session);
    else if (held instanceof Set) held.add(session);
    else if (held !== session) this.byIdentifiers.set(session.identifiers, new Set([held, session]));
  }

  /** Forget a closed session (and its identifiers index entry). */
  remove(session: RegisteredSession): void {
    this.identifying.delete(session);
    this.pings?.forget(session);
    if (this.sessions.get(session.sid) === session) this.sessions.delete(session.sid);
    const held = this.byIdentifiers.get(session.identifiers);
    if (held === session || (held instanceof Set && held.delete(session) && held.size === 0)) this.byIdentifiers.delete(session.identifiers);
  }

  /** All sessions, for shutdown. */
  all(): RegisteredSession[] {
    return [...this.sessions.values()];
  }

  /**
   * Disconnect every open session whose identifiers string equals `identifiers` byte for byte.
   * anycable hub/hub.go `disconnectSessions` closes only the first one found; a user signed in
   * twice expects both tabs closed, so all of them are.
   */
  disconnectByIdentifiers(identifiers: string, reason: DisconnectReason, reconnect: boolean): number {
    const held = this.byIdentifiers.get(identifiers);
    if (held === undefined) return 0;
    if (!(held instanceof Set)) return disconnectIfOpen(held, reason, reconnect);
    let count = 0;
    // why no copy: a session leaves the index on its socket's 'close' event, never inside disconnect().
    for (const session of held) count += disconnectIfOpen(session, reason, reconnect);
    return count;
  }

  /**
   * Start the shared ping timer (none for the defaults when `intervalSeconds` is 0), which also
   * disconnects sessions past `pongTimeoutMs` with `no_pong` (see ping-schedule.ts).
   */
  startPings(defaults: PingDefaults, now: () => number = Date.now): void {
    this.stopPings();
    // why keep an existing schedule: connections with their own settings keep their buckets.
    this.pings ??= new PingSchedule(() => this.sessions.values(), now);
    this.pings.start(defaults);
  }

  /** Ping `session` at its own interval or precision (`?pi=`, `?ptp=`); call after `add`. */
  customizePings(session: RegisteredSession, override: PingOverride): void {
    if (this.sessions.get(session.sid) === session) this.pings?.customize(session, override);
  }

  /** Stop the ping timers (shutdown). */
  stopPings(): void {
    this.pings?.stop();
  }

  /**
   * Start the one timer that closes sessions still identifying after
   * `timeoutSeconds` with `idle_timeout` (no-op when 0). It ticks a few times per
   * timeout (at most every second), so a session gets between 1x and 1.25x the timeout.
   */
  startIdentifyDeadline(timeoutSeconds: number, now: () => number = Date.now): void {
    this.stopIdentifyDeadline();
    if (timeoutSeconds <= 0) return;
    const timeoutMs = timeoutSeconds * 1000;
    this.identifyTimer = setInterval(() => this.sweepIdentifying(now(), timeoutMs), Math.min(1000, Math.max(10, timeoutMs / 4)));
    this.identifyTimer.unref();
  }

  stopIdentifyDeadline(): void {
    if (this.identifyTimer) clearInterval(this.identifyTimer);
    this.identifyTimer = undefined;
  }

  /** Disconnect (`idle_timeout`) every session that started identifying `timeoutMs` or more before `now`; returns how many. */
  sweepIdentifying(now: number, timeoutMs: number): number {
    let closed = 0;
    for (const [session, startedAt] of this.identifying) {
      if (now - startedAt < timeoutMs) break;
      this.identifying.delete(session);
      session.disconnect('idle_timeout');
      closed++;
    }
    return closed;
  }
}
