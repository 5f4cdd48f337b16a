/**
 * One WebSocket connection speaking `actioncable-v1-json`: identification,
 * command handling, subscriptions and delivery. Created with `new` per socket;
 * frames never pass through Nest. Mirrors anycable node/session.go + node/node.go.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket, RawData } from 'ws';
import type { IdentifyOutcome } from '../auth/identification.js';
import type { Channel, ChannelContext, PerformOutcome, SubscribeOutcome } from '../channels/channel.js';
import type { ChannelRouter } from '../channels/channel-router.js';
import type { Hub, Subscriber } from '../hub/hub.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { Counters, LimitName } from '../metrics/counters.js';
import { parseCommand, parseIdentifier, type ClientCommand } from '../protocol/commands.js';
import { CLOSE_INTERNAL_ERROR, CLOSE_MESSAGE_TOO_BIG, CLOSE_POLICY_VIOLATION, DISCONNECT_REASONS, type DisconnectReason } from '../protocol/disconnect-reasons.js';
import { confirmFrame, disconnectFrame, PONG_FRAME, rejectFrame, welcomeFrame } from '../protocol/messages.js';
import { FrameGuard } from './frame-guard.js';
import { TokenBucket } from './token-bucket.js';

/** Send options for text frames; one shared object, not one per send on the fan-out path. */
const TEXT_FRAME = { binary: false } as const;

/** Seconds a fragmented message may take to complete before the connection is closed. */
export const FRAGMENTED_MESSAGE_DEADLINE_MS = 10_000;

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

/** What a session needs from the rest of the server. */
export interface SessionDeps {
  hub: Hub;
  router: ChannelRouter;
  logger: CableLogger;
  counters: Counters;
  limits: SessionLimits;
  /** Called once when the socket is gone. */
  onClosed(session: Session): void;
  /** Publish a whisper to other subscribers of a stream. */
  publishWhisper(stream: string, data: string, senderSid: string): void;
}

/** Bit positions for `limitsLogged`. */
const LIMIT_BITS: readonly LimitName[] = ['max_subscriptions', 'max_identifiers_per_stream', 'command_rate', 'whisper_rate', 'pending_frames', 'fragments', 'ws_max_pending_size'];

/** Per-subscription state. */
interface Subscription {
  channel: Channel;
  whisperStream?: string;
}

type SessionState = 'identifying' | 'open' | 'closed';

/** A connected client. */
export class Session implements Subscriber, ChannelContext {
  identifiers = '';
  private state: SessionState = 'identifying';
  private readonly subscriptions = new Map<string, Subscription>();
  /** Identifiers with a subscribe in flight (duplicates are ignored). */
  private readonly subscribing = new Set<string>();
  /**
   * Frames read while identification or an async command runs; keeps per-session order.
   * The socket is paused meanwhile, so only what `ws` had already read lands here.
   */
  private backlog: string[] = [];
  private backlogBytes = 0;
  private busy = true;
  private expiryTimer?: NodeJS.Timeout;
  private fragmentTimer?: NodeJS.Timeout;
  private readonly frameGuard: FrameGuard;
  // why lazy: most connections never whisper, and an idle one never sends a command.
  private commandBucket?: TokenBucket;
  private whisperBucket?: TokenBucket;
  /** Limits already logged at info for this session (bit per limit), so a client cannot flood the log. */
  private limitsLogged = 0;

  constructor(
    readonly sid: string,
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
    rawSocket: Duplex,
  ) {
    this.frameGuard = new FrameGuard(deps.limits.maxFragments);
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onSocketClosed());
    // why: a socket error is followed by 'close'; without a listener `ws` would throw.
    ws.on('error', (error) => this.debug('socket error', { error: error.message }));
    // Reads the same chunks as `ws`, headers only (see frame-guard.ts).
    rawSocket.on('data', (chunk: Buffer) => this.onRawData(chunk));
    // Nothing is read until identification is done: a client cannot pile frames up meanwhile.
    ws.pause();
  }

  /** True once identified and until closed. */
  get isOpen(): boolean {
    return this.state === 'open';
  }

  /** Apply the identification outcome: welcome and start reading, or disconnect. */
  identified(outcome: IdentifyOutcome): void {
    if (this.state !== 'identifying') return;
    switch (outcome.kind) {
      case 'accepted':
        this.identifiers = outcome.identifiers;
        this.state = 'open';
        if (outcome.transmissions?.length) outcome.transmissions.forEach((t) => this.sendText(t));
        else this.sendText(welcomeFrame(this.sid));
        if (outcome.expiresAt !== undefined) this.scheduleExpiry(outcome.expiresAt);
        this.release();
        return;
      case 'rejected':
        outcome.transmissions?.forEach((t) => this.sendText(t));
        this.deps.logger.logAt('info', 'connection rejected', { sid: this.sid, reason: outcome.reason, detail: outcome.detail });
        this.disconnect(outcome.reason, undefined, !!outcome.transmissions?.length);
        return;
      case 'next':
      case 'error':
        this.deps.logger.logAt('error', 'identification failed', { code: 'CABLE_ERR_IDENTIFY_FAILED', sid: this.sid, detail: outcome.kind === 'error' ? outcome.detail : 'no outcome' });
        this.close(CLOSE_INTERNAL_ERROR, 'Auth Error');
        return;
    }
  }

  /** Close the session with `{"type":"disconnect"}` and the catalogued close code. */
  disconnect(reason: DisconnectReason, reconnect?: boolean, frameAlreadySent = false): void {
    if (this.state === 'closed') return;
    const entry = DISCONNECT_REASONS[reason];
    if (!frameAlreadySent) this.sendUnchecked(disconnectFrame(reason, reconnect ?? entry.reconnect));
    this.close(entry.closeCode, entry.closeText);
  }

  /** Close a session that is still open at the end of the shutdown drain: no more waiting for the peer. */
  terminate(): void {
    this.state = 'closed';
    this.ws.terminate();
  }

  /** Hub delivery: send the shared frame, cut the client off when it cannot keep up. */
  deliver(frame: Buffer): void {
    if (this.state === 'open') this.send(frame);
  }

  /** Send a ping frame (same slow-client rule as every other frame). */
  sendControl(frame: Buffer): void {
    if (this.state === 'open') this.send(frame);
  }

  /** Streams this session is on, for tests and introspection. */
  subscribedIdentifiers(): string[] {
    return [...this.subscriptions.keys()];
  }

  private sendText(text: string): void {
    this.send(text);
  }

  /**
   * Queue one frame. Every outgoing frame counts against `ws_max_pending_size`:
   * bufferedAmount is what the kernel has not taken yet, so past the cap the client
   * is not reading and is dropped rather than letting memory grow unbounded.
   */
  private send(frame: string | Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(frame, TEXT_FRAME);
    if (this.ws.bufferedAmount > this.deps.limits.maxPendingSize) {
      this.limitHit('ws_max_pending_size', { buffered: this.ws.bufferedAmount });
      this.disconnect('too_slow');
    }
  }

  /** Send without the slow-client check: the last frame before a close must not re-trigger `too_slow`. */
  private sendUnchecked(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text, TEXT_FRAME);
  }

  private close(code: number, text: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.dropBacklog();
    this.clearTimers();
    this.ws.close(code, text);
    // Read again so the peer's close frame is seen (the socket may be paused).
    this.ws.resume();
    // why: a peer that never answers the close handshake must not hold the socket forever.
    setTimeout(() => this.ws.terminate(), 5000).unref();
  }

  /** Close now and stop reading: the peer is abusing the connection. */
  private abort(code: number, text: string): void {
    this.close(code, text);
    this.ws.pause();
  }

  private dropBacklog(): void {
    this.backlog = [];
    this.backlogBytes = 0;
  }

  private clearTimers(): void {
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (this.fragmentTimer) clearTimeout(this.fragmentTimer);
    this.expiryTimer = this.fragmentTimer = undefined;
  }

  /** Count a limit hit; the first hit of each limit per session is logged at info, later ones at debug. */
  private limitHit(limit: LimitName, fields: Record<string, string | number> = {}): void {
    this.deps.counters.limitHit(limit);
    const bit = 1 << LIMIT_BITS.indexOf(limit);
    const level = this.limitsLogged & bit ? 'debug' : 'info';
    this.limitsLogged |= bit;
    this.deps.logger.logAt(level, 'connection limit hit', { sid: this.sid, limit, ...fields });
  }

  private scheduleExpiry(expiresAtMs: number): void {
    const delay = expiresAtMs - Date.now();
    if (delay <= 0) return this.disconnect('token_expired');
    // setTimeout caps at ~24.8 days; longer tokens simply are not timed.
    if (delay < 2 ** 31 - 1) this.expiryTimer = setTimeout(() => this.disconnect('token_expired'), delay).unref();
  }

  private onSocketClosed(): void {
    const wasOpen = this.state !== 'closed';
    this.state = 'closed';
    this.dropBacklog();
    this.clearTimers();
    this.deps.hub.removeSubscriber(this);
    for (const [identifier, sub] of this.subscriptions) {
      void Promise.resolve(sub.channel.unsubscribe?.(this, identifier)).catch(() => undefined);
    }
    this.subscriptions.clear();
    if (wasOpen) this.debug('socket closed by peer');
    this.deps.onClosed(this);
  }

  private onRawData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    if (!this.frameGuard.push(chunk)) {
      this.limitHit('fragments', { max: this.deps.limits.maxFragments });
      this.abort(CLOSE_MESSAGE_TOO_BIG, 'Too many fragments');
      return;
    }
    // A message arriving in fragments must finish in time; browsers never fragment.
    if (this.frameGuard.inFragmentedMessage) {
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
    if (this.state === 'closed') return;
    if (!this.takeToken('command')) return;
    if (isBinary) {
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
    this.backlog.push(text);
  }

  /** Take a command or whisper token; past the command burst the session is disconnected. */
  private takeToken(kind: 'command' | 'whisper'): boolean {
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

  /** Run queued frames until one needs to wait, then read from the socket again. */
  private release(): void {
    this.busy = false;
    while (!this.busy && this.backlog.length > 0 && this.state === 'open') {
      const text = this.backlog.shift()!;
      this.backlogBytes -= text.length;
      this.process(text);
    }
    if (!this.busy && this.state === 'open') this.ws.resume();
  }

  private process(text: string): void {
    const command = parseCommand(text);
    let pending: Promise<void> | undefined;
    try {
      pending = this.handle(command);
    } catch (error) {
      // A throwing channel is a bug in that channel; it must not take the process down.
      this.deps.logger.logAt('error', 'command failed', { code: 'CABLE_ERR_COMMAND_FAILED', sid: this.sid, error: (error as Error).message });
      return;
    }
    if (pending) {
      this.busy = true;
      // why: no further frames are read while this command is in flight (bounded memory, kept order).
      this.ws.pause();
      pending.then(
        () => this.release(),
        (error: Error) => {
          this.deps.logger.logAt('error', 'command failed', { code: 'CABLE_ERR_COMMAND_FAILED', sid: this.sid, error: error.message });
          this.release();
        },
      );
    }
  }

  /** Handle one command; returns a promise only when the work is asynchronous. */
  private handle(command: ClientCommand): Promise<void> | undefined {
    switch (command.kind) {
      case 'ping':
        this.sendText(PONG_FRAME);
        return;
      case 'pong':
        return;
      case 'invalid':
        this.debug('frame ignored', { reason: command.reason });
        return;
      case 'subscribe':
        return this.subscribe(command.identifier);
      case 'unsubscribe':
        return this.unsubscribe(command.identifier);
      case 'message':
        return this.perform(command.identifier, command.data);
      case 'whisper':
        this.whisper(command.identifier, command.data);
        return;
    }
  }

  private subscribe(identifier: string): Promise<void> | undefined {
    if (this.subscriptions.has(identifier) || this.subscribing.has(identifier)) {
      this.debug('duplicate subscribe ignored', { identifier });
      return;
    }
    const params = parseIdentifier(identifier);
    if (!params) {
      this.debug('subscribe rejected: identifier is not a JSON object with a channel', { identifier });
      this.sendText(rejectFrame(identifier));
      return;
    }
    const { maxSubscriptions } = this.deps.limits;
    if (maxSubscriptions > 0 && this.subscriptions.size + this.subscribing.size >= maxSubscriptions) {
      this.limitHit('max_subscriptions', { max: maxSubscriptions });
      this.sendText(rejectFrame(identifier));
      return;
    }
    const channel = this.deps.router.route(params.channel);
    const result = channel.subscribe(this, identifier, params);
    if (!(result instanceof Promise)) {
      this.applySubscribe(channel, identifier, result);
      return;
    }
    this.subscribing.add(identifier);
    return result
      .finally(() => this.subscribing.delete(identifier))
      .then((outcome) => this.applySubscribe(channel, identifier, outcome));
  }

  /** Whether one more identifier of this session may join `stream` (`max_identifiers_per_stream`). */
  private mayJoin(stream: string, identifier: string): boolean {
    const max = this.deps.limits.maxIdentifiersPerStream;
    if (max === 0 || this.deps.hub.identifierCountOn(this, stream, identifier) < max) return true;
    this.limitHit('max_identifiers_per_stream', { max });
    return false;
  }

  private applySubscribe(channel: Channel, identifier: string, outcome: SubscribeOutcome): void {
    if (this.state !== 'open') return;
    switch (outcome.kind) {
      case 'confirmed':
        if (!outcome.streams.every((stream) => this.mayJoin(stream, identifier))) {
          this.sendText(rejectFrame(identifier));
          return;
        }
        this.subscriptions.set(identifier, { channel, whisperStream: outcome.whisperStream });
        for (const stream of outcome.streams) this.deps.hub.subscribe(this, stream, identifier);
        if (outcome.transmissions) outcome.transmissions.forEach((t) => this.sendText(t));
        else this.sendText(confirmFrame(identifier));
        return;
      case 'rejected':
        this.debug('subscription rejected', { identifier, reason: outcome.reason });
        if (outcome.transmissions) outcome.transmissions.forEach((t) => this.sendText(t));
        else this.sendText(rejectFrame(identifier));
        return;
      case 'error':
        this.deps.logger.logAt('error', 'subscribe failed', { sid: this.sid, identifier, reason: outcome.reason });
        return;
    }
  }

  private unsubscribe(identifier: string): Promise<void> | undefined {
    const sub = this.subscriptions.get(identifier);
    if (!sub) {
      this.debug('unsubscribe from unknown identifier ignored', { identifier });
      return;
    }
    this.subscriptions.delete(identifier);
    this.deps.hub.unsubscribeIdentifier(this, identifier);
    const result = sub.channel.unsubscribe?.(this, identifier);
    return result instanceof Promise ? result : undefined;
  }

  private perform(identifier: string, data: string): Promise<void> | undefined {
    const sub = this.subscriptions.get(identifier);
    if (!sub) {
      this.debug('message to unknown identifier ignored', { identifier });
      return;
    }
    const result = sub.channel.perform(this, identifier, data);
    if (!(result instanceof Promise)) {
      this.applyPerform(identifier, result);
      return;
    }
    return result.then((outcome) => this.applyPerform(identifier, outcome));
  }

  private applyPerform(identifier: string, outcome: PerformOutcome): void {
    if (this.state !== 'open') return;
    switch (outcome.kind) {
      case 'ignored':
        this.debug('message ignored', { identifier, reason: outcome.reason });
        return;
      case 'error':
        this.deps.logger.logAt('error', 'perform failed', { sid: this.sid, identifier, reason: outcome.reason });
        return;
      case 'performed': {
        const hub = this.deps.hub;
        if (outcome.stopStreams) hub.unsubscribeIdentifier(this, identifier);
        else for (const stream of outcome.stoppedStreams ?? []) hub.unsubscribe(this, stream, identifier);
        for (const stream of outcome.streams ?? []) if (this.mayJoin(stream, identifier)) hub.subscribe(this, stream, identifier);
        outcome.transmissions?.forEach((t) => this.sendText(t));
        if (outcome.disconnect) this.close(1000, 'Command Failed');
        return;
      }
    }
  }

  private whisper(identifier: string, data: unknown): void {
    const stream = this.subscriptions.get(identifier)?.whisperStream;
    if (!stream) {
      this.debug('whisper ignored: not allowed on this subscription', { identifier });
      return;
    }
    if (!this.takeToken('whisper')) return;
    let encoded: string;
    try {
      encoded = JSON.stringify(data ?? null);
    } catch {
      // Client input (e.g. nested thousands of levels deep), not a server fault.
      this.debug('whisper ignored: data cannot be re-encoded', { identifier });
      return;
    }
    this.deps.publishWhisper(stream, encoded, this.sid);
  }

  private debug(message: string, fields?: Record<string, string>): void {
    if (this.deps.logger.debugEnabled) this.deps.logger.logAt('debug', message, { sid: this.sid, ...fields });
  }
}
