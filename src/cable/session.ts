/**
 * One WebSocket connection speaking `actioncable-v1-json`: identification,
 * subscriptions and the connection state (`env`, `cstate`, `istate`). Every
 * handler outcome is switched on here and its effects applied through
 * outcome-applier.ts. Created with `new` per socket; frames never pass through
 * Nest. Mirrors anycable node/session.go + node/node.go.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { IdentifyOutcome } from '../auth/identification.js';
import type { ChannelContext, MaybePromise, PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from '../channels/channel.js';
import type { Route } from '../channels/channel-router.js';
import { EMPTY_STATE, patchState, WHISPER_STREAM_STATE, type ConnectionEnv, type StateMap, type StatePatch } from '../connection/connection-state.js';
import type { DisconnectRequest } from '../connection/effects.js';
import type { Subscriber } from '../hub/hub.js';
import { parseIdentifier, type ClientCommand } from '../protocol/commands.js';
import { CLOSE_INTERNAL_ERROR } from '../protocol/disconnect-reasons.js';
import { confirmFrame, PONG_FRAME, rejectFrame, welcomeFrame } from '../protocol/messages.js';
import { REJECTED_CONNECTIONS } from '../metrics/counters.js';
import { applyEffects, type EffectTarget } from './outcome-applier.js';
import { SessionSocket, type SessionDeps } from './session-socket.js';
import type { LogFields } from '../logging/cable-logger.js';

export { FRAGMENTED_MESSAGE_DEADLINE_MS, type SessionDeps, type SessionLimits } from './session-socket.js';

/** One subscription: where its commands go and its state. */
interface Subscription {
  readonly route: Route;
  /** `identifier.channel`, for the per-channel subscription counts. */
  readonly channel: string;
  istate: StateMap;
}

/** What a session that never subscribed hands the close seam. */
const NO_SUBSCRIPTIONS: ReadonlyMap<string, Subscription> = new Map();

/** Close text of a connection a handler asked to close without a reason (anycable node/node.go). */
const COMMAND_CLOSE_TEXT = 'Command Failed';

/** A connected client; also the read-only context every handler gets. */
export class Session extends SessionSocket implements Subscriber, ChannelContext, EffectTarget {
  identifiers = '';
  claims: Readonly<Record<string, unknown>> | undefined = undefined;
  private connectionState: StateMap = EMPTY_STATE;
  /** Set once identification accepted the connection; only such connections get the close seam. */
  private accepted = false;
  /** See `ConnectionContext.disconnectInterest`. */
  private interested = false;
  /** Current subscriptions by identifier; created on the first one (an idle connection has none). */
  private subscriptions: Map<string, Subscription> | undefined = undefined;
  /** Identifiers with a subscribe in flight (duplicates are ignored); created on first use. */
  private subscribing: Set<string> | undefined = undefined;

  constructor(
    sid: string,
    ws: WebSocket,
    deps: SessionDeps,
    rawSocket: Duplex,
    readonly env: ConnectionEnv,
  ) {
    super(sid, ws, deps, rawSocket);
  }

  /** Connection state (`cstate`), read-only. */
  get cstate(): StateMap {
    return this.connectionState;
  }

  /** State of one subscription (`istate`), read-only. */
  istate(identifier: string): StateMap {
    return this.subscriptions?.get(identifier)?.istate ?? EMPTY_STATE;
  }

  /** Whether an outcome asked for the fallback's `disconnect` at close (read by the fallback). */
  get disconnectInterest(): boolean {
    return this.interested;
  }

  /** Send `frame` to the subscription `identifier` while it lives (asynchronous channel work); false once it or the connection is gone. */
  sendToSubscription(identifier: string, frame: string): boolean {
    if (this.phase !== 'open' || !this.subscriptions?.has(identifier)) return false;
    this.send(frame);
    return true;
  }

  /** Identifiers of the current subscriptions, for tests and introspection. */
  subscribedIdentifiers(): string[] {
    return this.subscriptions ? [...this.subscriptions.keys()] : [];
  }

  /** Apply the identification outcome: welcome (or the given transmissions) and start reading, or close. */
  identified(outcome: IdentifyOutcome): void {
    if (this.phase !== 'identifying') return;
    // why: the handshake's signal covers identification only (an RPC Connect, now answered); commands
    // that need one later get a fresh one, and an RPC session used only for Turbo keeps none.
    this.releaseSignal();
    switch (outcome.kind) {
      case 'accepted':
        this.identifiers = outcome.identifiers;
        this.claims = outcome.claims;
        this.phase = 'open';
        this.accepted = true;
        if (this.deps.logger.debugEnabled) this.debug('connected', { via: outcome.via });
        applyEffects(this, undefined, outcome, welcomeFrame(this.sid));
        if (outcome.expiresAt !== undefined) this.disconnectAt(outcome.expiresAt, 'token_expired');
        this.release();
        return;
      case 'rejected':
        this.deps.counters.failedAuths++;
        outcome.transmissions?.forEach((t) => this.send(t));
        this.deps.counters.add(REJECTED_CONNECTIONS + outcome.reason);
        this.deps.logger.logAt('info', 'connection rejected', { sid: this.sid, reason: outcome.reason, detail: outcome.detail });
        this.disconnect(outcome.reason, undefined, !!outcome.transmissions?.length);
        return;
      case 'next':
      case 'error':
        this.deps.counters.add(REJECTED_CONNECTIONS + 'identify_error');
        this.deps.logger.logAt('error', 'identification failed', { code: 'CABLE_ERR_IDENTIFY_FAILED', sid: this.sid, detail: outcome.kind === 'error' ? outcome.detail : 'no outcome' });
        this.close(CLOSE_INTERNAL_ERROR, 'Auth Error');
        return;
      default:
        return unreachable(outcome);
    }
  }

  // --- EffectTarget: how outcome-applier.ts changes this session ---

  /** Join `stream` under `identifier` unless `max_identifiers_per_stream` refuses it. */
  startStream(stream: string, identifier: string): void {
    if (this.mayJoin(stream, identifier)) this.deps.hub.subscribe(this, stream, identifier);
  }

  stopStream(stream: string, identifier: string): void {
    this.deps.hub.unsubscribe(this, stream, identifier);
  }

  stopAllStreams(identifier: string): void {
    this.deps.hub.unsubscribeIdentifier(this, identifier);
  }

  patchState(cstate: StatePatch | undefined, identifier: string | undefined, istate: StatePatch | undefined): void {
    this.connectionState = patchState(this.connectionState, cstate);
    const subscription = identifier === undefined ? undefined : this.subscriptions?.get(identifier);
    if (subscription) subscription.istate = patchState(subscription.istate, istate);
  }

  markDisconnectInterest(): void {
    this.interested = true;
  }

  disconnectFor(request: DisconnectRequest): void {
    if (request === true) this.close(1000, COMMAND_CLOSE_TEXT);
    else this.disconnect(request.reason, request.reconnect);
  }

  // --- commands ---

  protected handleCommand(command: ClientCommand): Promise<void> | undefined {
    switch (command.kind) {
      case 'ping':
        this.send(PONG_FRAME);
        return;
      case 'pong':
        return;
      case 'invalid':
        this.deps.counters.failedClientMessages++;
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
      default:
        return unreachable(command);
    }
  }

  private subscribe(identifier: string): Promise<void> | undefined {
    if (this.subscriptions?.has(identifier) || this.subscribing?.has(identifier)) {
      this.debugAbout(identifier, 'duplicate subscribe ignored');
      return;
    }
    const params = parseIdentifier(identifier);
    if (!params) {
      this.debugAbout(identifier, 'subscribe rejected: identifier is not a JSON object with a channel');
      this.send(rejectFrame(identifier));
      return;
    }
    const { maxSubscriptions } = this.deps.limits;
    if (maxSubscriptions > 0 && (this.subscriptions?.size ?? 0) + (this.subscribing?.size ?? 0) >= maxSubscriptions) {
      this.limitHit('max_subscriptions', { max: maxSubscriptions });
      this.send(rejectFrame(identifier));
      return;
    }
    const route = this.deps.router.route(params.channel);
    const result = route.subscribe(this, identifier, params);
    // why no whenReady here: a local channel (Turbo, $pubsub) answers at once, and this path runs per subscribe.
    if (!(result instanceof Promise)) {
      this.applySubscribe(route, params.channel, identifier, result);
      return;
    }
    const inFlight = (this.subscribing ??= new Set());
    inFlight.add(identifier);
    // why finally: a failed subscribe must not leave the identifier "in flight" for the rest of the session.
    return result.finally(() => inFlight.delete(identifier)).then((outcome) => this.applySubscribe(route, params.channel, identifier, outcome));
  }

  private applySubscribe(route: Route, channel: string, identifier: string, outcome: SubscribeOutcome): void {
    if (this.phase !== 'open') return;
    switch (outcome.kind) {
      case 'confirmed':
        // All or nothing: a subscription that would pass max_identifiers_per_stream is not recorded.
        if (outcome.streams && !outcome.streams.every((stream) => this.mayJoin(stream, identifier))) {
          this.send(rejectFrame(identifier));
          return;
        }
        (this.subscriptions ??= new Map()).set(identifier, { route, channel, istate: EMPTY_STATE });
        this.deps.counters.subscriptionsChanged(channel, 1);
        // why the channel only: identifier params may carry credentials (Turbo's signed_stream_name).
        if (this.deps.logger.debugEnabled) this.debug('subscribed', { channel });
        applyEffects(this, identifier, outcome, confirmFrame(identifier));
        return;
      case 'rejected':
        this.debugAbout(identifier, 'subscription rejected', { reason: outcome.reason });
        applyEffects(this, undefined, outcome, rejectFrame(identifier));
        return;
      case 'error':
        this.handlerFailed('subscribe', identifier, outcome.reason);
        return;
      default:
        return unreachable(outcome);
    }
  }

  /** Streams stop at once; the handler still sees the subscription's `istate`, which is dropped after it, even when it fails. */
  private unsubscribe(identifier: string): Promise<void> | undefined {
    const subscription = this.subscriptions?.get(identifier);
    if (!subscription) {
      this.debugAbout(identifier, 'unsubscribe from unknown identifier ignored');
      return;
    }
    this.stopAllStreams(identifier);
    let result: MaybePromise<UnsubscribeOutcome>;
    try {
      result = subscription.route.unsubscribe(this, identifier);
    } catch (error) {
      this.forget(identifier);
      throw error;
    }
    if (result instanceof Promise) result = result.finally(() => this.forget(identifier));
    return whenReady(result, (outcome) => this.applyUnsubscribe(identifier, outcome));
  }

  private applyUnsubscribe(identifier: string, outcome: UnsubscribeOutcome): void {
    this.forget(identifier);
    if (this.phase !== 'open') return;
    switch (outcome.kind) {
      case 'unsubscribed':
        applyEffects(this, undefined, outcome);
        return;
      case 'error':
        this.handlerFailed('unsubscribe', identifier, outcome.reason);
        return;
      default:
        return unreachable(outcome);
    }
  }

  /** Drop a subscription: its streams and its `istate`. */
  private forget(identifier: string): void {
    const subscription = this.subscriptions?.get(identifier);
    // why the phase check: a closed session's subscriptions were uncounted at close (socketClosed).
    if (subscription && this.subscriptions!.delete(identifier) && this.phase !== 'closed') this.deps.counters.subscriptionsChanged(subscription.channel, -1);
    this.stopAllStreams(identifier);
  }

  private perform(identifier: string, data: string): Promise<void> | undefined {
    const subscription = this.subscriptions?.get(identifier);
    if (!subscription) {
      this.debugAbout(identifier, 'message to unknown identifier ignored');
      return;
    }
    return whenReady(subscription.route.perform(this, identifier, data), (outcome) => this.applyPerform(identifier, outcome));
  }

  private applyPerform(identifier: string, outcome: PerformOutcome): void {
    if (this.phase !== 'open') return;
    switch (outcome.kind) {
      case 'performed':
        applyEffects(this, this.subscriptions?.has(identifier) ? identifier : undefined, outcome);
        return;
      case 'ignored':
        this.debugAbout(identifier, 'message ignored', { reason: outcome.reason });
        return;
      case 'error':
        this.handlerFailed('perform', identifier, outcome.reason);
        return;
      default:
        return unreachable(outcome);
    }
  }

  private whisper(identifier: string, data: unknown): void {
    const stream = this.subscriptions?.get(identifier)?.istate[WHISPER_STREAM_STATE];
    if (!stream) {
      this.debugAbout(identifier, 'whisper ignored: not allowed on this subscription');
      return;
    }
    if (!this.takeToken('whisper')) return;
    let encoded: string;
    try {
      encoded = JSON.stringify(data ?? null);
    } catch {
      // Client input (e.g. nested thousands of levels deep), not a server fault.
      this.debugAbout(identifier, 'whisper ignored: data cannot be re-encoded');
      return;
    }
    this.deps.publishWhisper(stream, encoded, this.sid);
  }

  /**
   * An `error` outcome (anycable: status ERROR, an exception in the Rails app): nothing is
   * applied or sent, the reason is logged at warn. A handler that throws is a bug, logged at error.
   */
  private handlerFailed(command: 'subscribe' | 'unsubscribe' | 'perform', identifier: string, reason: string): void {
    this.deps.logger.logAt('warn', `${command} failed`, { sid: this.sid, channel: this.channelOf(identifier), reason });
  }

  /**
   * Log at debug about a subscription by its channel name, never its identifier: a Turbo
   * identifier carries the signed stream name, which grants access to the stream.
   */
  private debugAbout(identifier: string, message: string, fields?: LogFields): void {
    if (this.deps.logger.debugEnabled) this.debug(message, { channel: this.channelOf(identifier), ...fields });
  }

  /** The channel named by `identifier` (subscribed or not), for logs. */
  private channelOf(identifier: string): string | undefined {
    return this.subscriptions?.get(identifier)?.channel ?? parseIdentifier(identifier)?.channel;
  }

  /** Whether one more identifier of this session may join `stream` (`max_identifiers_per_stream`). */
  private mayJoin(stream: string, identifier: string): boolean {
    const max = this.deps.limits.maxIdentifiersPerStream;
    const { hub } = this.deps;
    // why the identifierCount shortcut: fewer identifiers in all than the limit cannot reach it on one stream
    // (the common case, checked without walking this session's subscriptions on every subscribe).
    if (max === 0 || hub.identifierCount(this) < max || hub.identifierCountOn(this, stream, identifier) < max) return true;
    this.limitHit('max_identifiers_per_stream', { max });
    return false;
  }

  /**
   * The connection-level close seam: streams are dropped, then one
   * `router.disconnect` call gives local channels their `unsubscribe` and the
   * fallback one `disconnect` with every identifier. The state stays readable for it.
   */
  protected socketClosed(): void {
    this.deps.hub.removeSubscriber(this);
    this.deps.onClosed(this);
    const subscriptions = this.subscriptions ?? NO_SUBSCRIPTIONS;
    for (const subscription of subscriptions.values()) this.deps.counters.subscriptionsChanged(subscription.channel, -1);
    if (!this.accepted) return;
    void this.deps.router.disconnect(this, subscriptions).then((failures) => {
      for (const failure of failures) this.commandFailed(new Error(failure), 'disconnect failed');
    });
  }
}

/** Apply a handler result now, or once its promise settles (the session reads no frame meanwhile). */
function whenReady<T>(result: MaybePromise<T>, apply: (outcome: T) => void): Promise<void> | undefined {
  if (result instanceof Promise) return result.then(apply);
  apply(result);
  return undefined;
}

/** Exhaustiveness check: a new outcome or command variant makes the `switch` above fail to compile. */
function unreachable(value: never): never {
  throw new Error(`unhandled variant: ${JSON.stringify(value)}`);
}
