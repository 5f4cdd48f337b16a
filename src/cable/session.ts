/**
 * One WebSocket connection speaking `actioncable-v1-json`: identification,
 * command handling, subscriptions and delivery. Created with `new` per socket;
 * frames never pass through Nest. Mirrors anycable node/session.go + node/node.go.
 */
import type { WebSocket, RawData } from 'ws';
import type { IdentifyOutcome } from '../auth/identification.js';
import type { Channel, ChannelContext, PerformOutcome, SubscribeOutcome } from '../channels/channel.js';
import type { ChannelRouter } from '../channels/channel-router.js';
import type { Hub, Subscriber } from '../hub/hub.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { parseCommand, parseIdentifier, type ClientCommand } from '../protocol/commands.js';
import { CLOSE_INTERNAL_ERROR, DISCONNECT_REASONS, type DisconnectReason } from '../protocol/disconnect-reasons.js';
import { confirmFrame, disconnectFrame, PONG_FRAME, rejectFrame, welcomeFrame } from '../protocol/messages.js';

/** Send options for text frames; one shared object, not one per send on the fan-out path. */
const TEXT_FRAME = { binary: false } as const;

/** What a session needs from the rest of the server. */
export interface SessionDeps {
  hub: Hub;
  router: ChannelRouter;
  logger: CableLogger;
  /** `ws_max_pending_size`: outgoing bytes allowed to pile up before `too_slow`. */
  maxPendingSize: number;
  /** Called once when the socket is gone. */
  onClosed(session: Session): void;
  /** Publish a whisper to other subscribers of a stream. */
  publishWhisper(stream: string, data: string, senderSid: string): void;
}

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
  /** Frames waiting while identification or an async command runs; keeps per-session order. */
  private backlog: string[] = [];
  private busy = true;
  private expiryTimer?: NodeJS.Timeout;

  constructor(
    readonly sid: string,
    private readonly ws: WebSocket,
    private readonly deps: SessionDeps,
  ) {
    ws.on('message', (data, isBinary) => this.onFrame(data, isBinary));
    ws.on('close', () => this.onSocketClosed());
    // why: a socket error is followed by 'close'; without a listener `ws` would throw.
    ws.on('error', (error) => this.debug('socket error', { error: error.message }));
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
    if (!frameAlreadySent) this.sendText(disconnectFrame(reason, reconnect ?? entry.reconnect));
    this.close(entry.closeCode, entry.closeText);
  }

  /** Hub delivery: send the shared frame, cut the client off when it cannot keep up. */
  deliver(frame: Buffer): void {
    if (this.state !== 'open') return;
    this.ws.send(frame, TEXT_FRAME);
    // why: bufferedAmount counts bytes not yet handed to the kernel; past the cap the
    // client is too slow and is dropped rather than letting memory grow unbounded.
    if (this.ws.bufferedAmount > this.deps.maxPendingSize) {
      this.deps.logger.logAt('warn', 'client too slow, disconnecting', { sid: this.sid, buffered: this.ws.bufferedAmount });
      this.disconnect('too_slow');
    }
  }

  /** Send a control frame (ping) that is not subject to the slow-client rule. */
  sendControl(frame: Buffer): void {
    if (this.state === 'open') this.ws.send(frame, TEXT_FRAME);
  }

  /** Streams this session is on, for tests and introspection. */
  subscribedIdentifiers(): string[] {
    return [...this.subscriptions.keys()];
  }

  private sendText(text: string): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(text);
  }

  private close(code: number, text: string): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.backlog = [];
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.ws.close(code, text);
    // why: a peer that never answers the close handshake must not hold the socket forever.
    setTimeout(() => this.ws.terminate(), 5000).unref();
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
    this.backlog = [];
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    this.deps.hub.removeSubscriber(this);
    for (const [identifier, sub] of this.subscriptions) {
      void Promise.resolve(sub.channel.unsubscribe?.(this, identifier)).catch(() => undefined);
    }
    this.subscriptions.clear();
    if (wasOpen) this.debug('socket closed by peer');
    this.deps.onClosed(this);
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (this.state === 'closed') return;
    if (isBinary) {
      this.debug('binary frame ignored');
      return;
    }
    const text = Array.isArray(data) ? Buffer.concat(data).toString() : data.toString();
    if (this.busy) this.backlog.push(text);
    else this.process(text);
  }

  /** Run queued frames until one needs to wait. */
  private release(): void {
    this.busy = false;
    while (!this.busy && this.backlog.length > 0 && this.state === 'open') this.process(this.backlog.shift()!);
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
    const channel = this.deps.router.route(params.channel);
    const result = channel.subscribe(this, identifier, params);
    if (!(result instanceof Promise)) {
      this.applySubscribe(channel, identifier, result);
      return;
    }
    this.subscribing.add(identifier);
    return result.then((outcome) => {
      this.subscribing.delete(identifier);
      this.applySubscribe(channel, identifier, outcome);
    });
  }

  private applySubscribe(channel: Channel, identifier: string, outcome: SubscribeOutcome): void {
    if (this.state !== 'open') return;
    switch (outcome.kind) {
      case 'confirmed':
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
        for (const stream of outcome.streams ?? []) hub.subscribe(this, stream, identifier);
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
    this.deps.publishWhisper(stream, JSON.stringify(data ?? null), this.sid);
  }

  private debug(message: string, fields?: Record<string, string>): void {
    if (this.deps.logger.debugEnabled) this.deps.logger.logAt('debug', message, { sid: this.sid, ...fields });
  }
}
