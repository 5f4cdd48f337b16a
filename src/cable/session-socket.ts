/**
 * The socket half of a session: sending with the slow-client cut-off, closing,
 * reading frames in order while the session is busy (socket paused once a frame waits, bounded
 * backlog), the command and whisper rate limits and the fragment bounds.
 * `Session` extends it with identification, subscriptions and state.
 * why a base class: the split keeps each file readable without a second object per connection.
 */
import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { ChannelRouter } from '../channels/channel-router.js';
import type { Hub } from '../hub/hub.js';
import { keepaliveTicks } from '../hub/ping-schedule.js';
import type { RegisteredSession } from '../hub/session-registry.js';
import type { CableLogger, LogFields } from '../logging/cable-logger.js';
import type { Counters, LimitName } from '../metrics/counters.js';
import { parseCommand, type ClientCommand } from '../protocol/commands.js';
import { CLOSE_MESSAGE_TOO_BIG, CLOSE_POLICY_VIOLATION, DISCONNECT_REASONS, type DisconnectReason } from '../protocol/disconnect-reasons.js';
import { disconnectFrame } from '../protocol/messages.js';
import { FrameGuard } from './frame-guard.js';
import { TokenBucket } from './token-bucket.js';

/** Send options for text frames; one shared object, not one per send on the fan-out path. */
const TEXT_FRAME = { binary: false } as const;

/** Milliseconds a fragmented message may take to complete before the connection is closed. */
export const FRAGMENTED_MESSAGE_DEADLINE_MS = 10_000;

/** Counter label of a connection the client (or the network) closed. */
export const CLOSED_BY_CLIENT = 'closed by client';

/** Milliseconds a peer has to answer our close frame before the socket is destroyed. */
const CLOSE_HANDSHAKE_TIMEOUT_MS = 5000;

/** Per-connection bounds (docs/security.md); 0 means unlimited where the option says so. */
export interface SessionLimits {
  /** `ws_max_pending_size`: outgoing bytes allowed to pile up before `too_slow` (every frame counts). */
  maxPendingSize: number;
  maxSubscriptions: number;
  maxIdentifiersPerStream: number;
  commandRate: number;
  commandBurst: number;
  whisperRate: number;
  whisperBurst: number;
  /** Bytes of frames that may wait while identification or a command runs. */
  maxBacklogBytes: number;
  /** Fragments one message may have (see frame-guard.ts). */
  maxFragments: number;
}

/** What a session needs from the rest of the server; one object shared by every session. */
export interface SessionDeps {
  hub: Hub;
  router: Pick<ChannelRouter, 'route' | 'disconnect'>;
  logger: CableLogger;
  counters: Counters;
  limits: SessionLimits;
  /** Called once when the socket is gone. */
  onClosed(session: RegisteredSession): void;
  /** Publish a whisper to other subscribers of a stream. */
  publishWhisper(stream: string, data: string, senderSid: string): void;
}

/** Bit positions for `limitsLogged`. */
const LIMIT_BITS: readonly LimitName[] = ['max_subscriptions', 'max_identifiers_per_stream', 'command_rate', 'whisper_rate', 'pending_frames', 'fragments', 'ws_max_pending_size'];

/** Lifecycle of a session: identification first, then open until the socket closes. */
export type SessionPhase = 'identifying' | 'open' | 'closed';

/** See file comment. */
export abstract class SessionSocket {
  // why every field is initialised here, lazily created ones to undefined: one hidden class for every
  // session, with no property added later (that would move fields into a separate PropertyArray).
  protected phase: SessionPhase = 'identifying';
  /**
   * Frames read while identification or an async command runs; keeps per-session order.
   * The socket is paused as soon as one frame waits, so only what `ws` had already read lands here.
   * Created when the first frame has to wait.
   */
  private backlog: string[] | undefined = undefined;
  private backlogBytes = 0;
  private busy = true;
  private deadlineTimer: NodeJS.Timeout | undefined = undefined;
  private fragmentTimer: NodeJS.Timeout | undefined = undefined;
  // why lazy: an idle connection sends nothing after the upgrade, so it never needs a guard.
  private frameGuard: FrameGuard | undefined = undefined;
  // why lazy: most connections never whisper, and an idle one never sends a command.
  private commandBucket: TokenBucket | undefined = undefined;
  private whisperBucket: TokenBucket | undefined = undefined;
  /** Limits already logged at info for this session (bit per limit), so a client cannot flood the log. */
  private limitsLogged = 0;
  /** Behind `signal`; created on first use (JWT and signed-stream sessions never need one). */
  private closeController: AbortController | undefined = undefined;
  /** For the debug `closed` line only: when the socket opened (0 unless debug is on, so no number is boxed per session) and why it was closed. */
  private openedAt = 0;
  private closedFor: string | undefined = undefined;
  /**
   * Keepalive tick of the last client frame while pongs are required (`pong_timeout`, ext protocol),
   * else 0. The shared ping timer reads it (hub/ping-schedule.ts); why a number: no timer per connection.
   */
  lastHeardTick = 0;

  constructor(
    readonly sid: string,
    private readonly ws: WebSocket,
    protected readonly deps: SessionDeps,
    rawSocket: Duplex,
  ) {
    if (deps.logger.debugEnabled) this.openedAt = performance.now();
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onSocketClosed());
    // why: a socket error is followed by 'close'; without a listener `ws` would throw.
    ws.on('error', (error) => this.debug('socket error', { error: error.message }));
    // Reads the same chunks as `ws`, headers only (see frame-guard.ts).
    rawSocket.on('data', (chunk: Buffer) => this.onRawData(chunk));
    // Reading goes on while identifying until a frame arrives (then it pauses, see onFrame): a client
    // cannot pile frames up meanwhile, and one that leaves is noticed, so its RPC Connect is cancelled.
  }

  /** True once identified and until closed. */
  get isOpen(): boolean {
    return this.phase === 'open';
  }

  /**
   * Let go of the signal handed out so far (identification is over and its calls are done):
   * a session that never asks again keeps no AbortController and aborts nothing at close.
   */
  protected releaseSignal(): void {
    this.closeController = undefined;
  }

  /** Fires when the session closes (aborted already if it has); for cancelling I/O done on its behalf. */
  get signal(): AbortSignal {
    if (!this.closeController) {
      this.closeController = new AbortController();
      if (this.phase === 'closed') this.closeController.abort();
    }
    return this.closeController.signal;
  }

  /** Close the session with `{"type":"disconnect"}` and the catalogued close code. */
  disconnect(reason: DisconnectReason, reconnect?: boolean, frameAlreadySent = false): void {
    if (this.phase === 'closed') return;
    const entry = DISCONNECT_REASONS[reason];
    if (!frameAlreadySent) this.sendUnchecked(disconnectFrame(reason, reconnect ?? entry.reconnect));
    this.close(entry.closeCode, entry.closeText, reason);
  }

  /** Close a session that is still open at the end of the shutdown drain: no more waiting for the peer. */
  terminate(): void {
    if (this.deps.logger.debugEnabled) this.closedFor ??= 'terminated at shutdown';
    this.phase = 'closed';
    this.closeController?.abort();
    this.ws.terminate();
  }

  /** From now on the client must send something (a pong or any frame) within `pong_timeout`. */
  expectPongs(): void {
    if (this.phase === 'open') this.lastHeardTick = keepaliveTicks();
  }

  /** Hub delivery: send the shared frame, cut the client off when it cannot keep up. */
  deliver(frame: Buffer): void {
    if (this.phase === 'open') this.send(frame);
  }

  /** Send a ping frame (same slow-client rule as every other frame). */
  sendControl(frame: Buffer): void {
    if (this.phase === 'open') this.send(frame);
  }

  /**
   * Queue one frame. Every outgoing frame counts against `ws_max_pending_size`:
   * bufferedAmount is what the kernel has not taken yet, so past the cap the client
   * is not reading and is dropped rather than letting memory grow unbounded.
   */
  send(frame: string | Buffer): void {
    const { counters } = this.deps;
    if (this.ws.readyState !== this.ws.OPEN) {
      counters.failedServerMessages++;
      return;
    }
    this.ws.send(frame, TEXT_FRAME);
    counters.serverMessages++;
    counters.bytesSent += typeof frame === 'string' ? Buffer.byteLength(frame) : frame.length;
    if (this.ws.bufferedAmount > this.deps.limits.maxPendingSize) {
      this.limitHit('ws_max_pending_size', { buffered: this.ws.bufferedAmount });
      this.disconnect('too_slow');
    }
  }

  /** Handle one parsed command; return a promise only when the work is asynchronous. */
  protected abstract handleCommand(command: ClientCommand): Promise<void> | undefined;

  /** The socket is gone (called once, after the socket half has cleaned up). */
  protected abstract socketClosed(): void;

  /** Send without the slow-client check: the last frame before a close must not re-trigger `too_slow`. */
  private sendUnchecked(text: string): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(text, TEXT_FRAME);
    this.deps.counters.serverMessages++;
    this.deps.counters.bytesSent += Buffer.byteLength(text);
  }

  /** Start closing with `code`; the peer gets a few seconds to answer the close frame. `reason` labels it in the counters. */
  protected close(code: number, text: string, reason: string = text): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.closeController?.abort();
    this.deps.counters.disconnected(reason);
    if (this.deps.logger.debugEnabled) this.closedFor = reason;
    this.dropBacklog();
    this.clearTimers();
    this.ws.close(code, text);
    // Read again so the peer's close frame is seen (the socket may be paused).
    this.ws.resume();
    // why: a peer that never answers the close handshake must not hold the socket forever.
    setTimeout(() => this.ws.terminate(), CLOSE_HANDSHAKE_TIMEOUT_MS).unref();
  }

  /** Disconnect with `reason` at `atMs` (epoch ms); at once when that has passed. */
  protected disconnectAt(atMs: number, reason: DisconnectReason): void {
    const delay = atMs - Date.now();
    if (delay <= 0) return this.disconnect(reason);
    // setTimeout caps at ~24.8 days; later deadlines simply are not timed.
    if (delay < 2 ** 31 - 1) this.deadlineTimer = setTimeout(() => this.disconnect(reason), delay).unref();
  }

  /** Read frames again (after identification or an async command), first those that waited. */
  protected release(): void {
    this.busy = false;
    while (!this.busy && this.backlog !== undefined && this.backlog.length > 0 && this.phase === 'open') {
      const text = this.backlog.shift()!;
      this.backlogBytes -= text.length;
      this.process(text);
    }
    if (!this.busy && this.phase === 'open') this.ws.resume();
  }

  /** Count a limit hit; the first hit of each limit per session is logged at info, later ones at debug. */
  protected limitHit(limit: LimitName, fields: LogFields = {}): void {
    this.deps.counters.limitHit(limit);
    const bit = 1 << LIMIT_BITS.indexOf(limit);
    const level = this.limitsLogged & bit ? 'debug' : 'info';
    this.limitsLogged |= bit;
    this.deps.logger.logAt(level, 'connection limit hit', { sid: this.sid, limit, ...fields });
  }

  /** Take a command or whisper token; past the command burst the session is disconnected. */
  protected takeToken(kind: 'command' | 'whisper'): boolean {
    const { limits } = this.deps;
    const rate = kind === 'command' ? limits.commandRate : limits.whisperRate;
    if (rate === 0) return true;
    const now = Date.now();
    const bucket =
      kind === 'command'
        ? (this.commandBucket ??= new TokenBucket(rate, limits.commandBurst, now))
        : (this.whisperBucket ??= new TokenBucket(rate, limits.whisperBurst, now));
    if (bucket.take(now)) return true;
    if (kind === 'command') {
      this.limitHit('command_rate', { rate });
      this.disconnect('rate_limited');
    } else {
      this.limitHit('whisper_rate', { rate });
    }
    return false;
  }

  /** Log at debug; builds nothing when debug is off (hot path). */
  protected debug(message: string, fields?: LogFields): void {
    if (this.deps.logger.debugEnabled) this.deps.logger.logAt('debug', message, { sid: this.sid, ...fields });
  }

  /** Close now and stop reading: the peer is abusing the connection. */
  private abort(code: number, text: string): void {
    this.close(code, text);
    this.ws.pause();
  }

  private dropBacklog(): void {
    this.backlog = undefined;
    this.backlogBytes = 0;
  }

  private clearTimers(): void {
    if (this.deadlineTimer) clearTimeout(this.deadlineTimer);
    if (this.fragmentTimer) clearTimeout(this.fragmentTimer);
    this.deadlineTimer = this.fragmentTimer = undefined;
  }

  private onSocketClosed(): void {
    if (this.phase !== 'closed') this.deps.counters.disconnected(CLOSED_BY_CLIENT);
    this.phase = 'closed';
    this.closeController?.abort();
    this.dropBacklog();
    this.clearTimers();
    if (this.deps.logger.debugEnabled) this.debug('closed', { reason: this.closedFor ?? CLOSED_BY_CLIENT, durationMs: Math.round(performance.now() - this.openedAt) });
    this.socketClosed();
  }

  private onRawData(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    const guard = (this.frameGuard ??= new FrameGuard(this.deps.limits.maxFragments));
    if (!guard.push(chunk)) {
      this.limitHit('fragments', { max: this.deps.limits.maxFragments });
      this.abort(CLOSE_MESSAGE_TOO_BIG, 'Too many fragments');
      return;
    }
    // A message arriving in fragments must finish in time; browsers never fragment.
    if (guard.inFragmentedMessage) {
      this.fragmentTimer ??= setTimeout(() => this.onFragmentDeadline(), FRAGMENTED_MESSAGE_DEADLINE_MS).unref();
    } else if (this.fragmentTimer) {
      clearTimeout(this.fragmentTimer);
      this.fragmentTimer = undefined;
    }
  }

  private onFragmentDeadline(): void {
    this.fragmentTimer = undefined;
    this.limitHit('fragments', { deadlineMs: FRAGMENTED_MESSAGE_DEADLINE_MS });
    this.abort(CLOSE_POLICY_VIOLATION, 'Message timeout');
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.phase === 'closed') return;
    const { counters } = this.deps;
    counters.clientMessages++;
    counters.bytesReceived += rawDataLength(data);
    // Any client frame counts as a pong (anycable node/session.go resets its pong timer on every read).
    if (this.lastHeardTick !== 0) this.lastHeardTick = keepaliveTicks();
    if (!this.takeToken('command')) return;
    if (isBinary) {
      counters.failedClientMessages++;
      this.debug('binary frame ignored');
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString() : data.toString();
    if (!this.busy) return this.process(text);
    this.backlogBytes += text.length;
    if (this.backlogBytes > this.deps.limits.maxBacklogBytes) {
      this.limitHit('pending_frames', { bytes: this.backlogBytes });
      this.disconnect('rate_limited');
      return;
    }
    (this.backlog ??= []).push(text);
    // why pause only now, not as soon as the session is busy: until a frame waits, reading costs
    // nothing, and it lets a close frame through, so a client that leaves mid-call cancels the call.
    this.ws.pause();
  }

  private process(text: string): void {
    let pending: Promise<void> | undefined;
    try {
      pending = this.handleCommand(parseCommand(text));
    } catch (error) {
      // A throwing channel is a bug in that channel; it must not take the process down.
      this.commandFailed(error as Error);
      return;
    }
    if (pending) {
      // why: frames that arrive while this command is in flight wait (kept order), and the first one
      // pauses reading (bounded memory; see onFrame).
      this.busy = true;
      pending.then(
        () => this.release(),
        (error: Error) => {
          this.commandFailed(error);
          this.release();
        },
      );
    }
  }

  /** Log a handler failure (a bug in that handler); nothing is sent to the client. */
  protected commandFailed(error: Error, what = 'command failed'): void {
    this.deps.logger.logAt('error', what, { code: 'CABLE_ERR_COMMAND_FAILED', sid: this.sid, error: error.message });
  }
}

/** Bytes of one received message, whatever shape `ws` delivered it in. */
function rawDataLength(data: RawData): number {
  if (!Array.isArray(data)) return data.byteLength;
  let length = 0;
  for (const part of data) length += part.length;
  return length;
}
