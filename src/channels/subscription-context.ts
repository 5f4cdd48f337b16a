/**
 * The context a `@CableChannel` hook gets: who is connected (identifiers, JWT
 * claims, env, state) and what it may do. While the hook runs, stream changes,
 * state patches, transmissions and a disconnect are recorded and returned as
 * the outcome's effects (applied by the session, in anycable's order); after it,
 * `transmit` still reaches the subscription while it lives, and `broadcast` always works.
 */
import type { ConnectionEnv, StateMap, StatePatch } from '../connection/connection-state.js';
import type { DisconnectRequest } from '../connection/effects.js';
import { CableError } from '../errors.js';
import type { DisconnectReason } from '../protocol/disconnect-reasons.js';
import { broadcastFrame } from '../protocol/messages.js';
import type { ChannelContext, SubscribeOutcome } from './channel.js';

/** What every hook of a channel class can read and do. */
export interface SubscriptionContext<Identifiers extends object = Record<string, unknown>> {
  /** Session id of the connection. */
  readonly sid: string;
  /** Connection identifiers, decoded (`{"user_id":42}`; `{"sid":...}` under noauth). */
  readonly identifiers: Readonly<Identifiers>;
  /** Verified JWT claims when a JWT identified the connection, to authorize from (`ctx.claims?.role`). */
  readonly claims: Readonly<Record<string, unknown>> | undefined;
  /** Request URL and the allow-listed headers (`--headers`), fixed at the upgrade. */
  readonly env: ConnectionEnv;
  /** Connection state (`cstate`), as it was when the hook started. */
  readonly cstate: StateMap;
  /** This subscription's state (`istate`), as it was when the hook started. */
  readonly istate: StateMap;
  /** The subscription identifier, a JSON string (`{"channel":"ChatChannel","room":"lobby"}`). */
  readonly identifier: string;
  /** Send `message` (any JSON value) to this subscription; false once it or the connection is gone. Works after the hook too. */
  transmit(message: unknown): boolean;
  /** Follow `stream` with this subscription (Action Cable `stream_from`). During the hook only. */
  streamFrom(stream: string): void;
  /** Stop following `stream` (`stop_stream_from`). During the hook only. */
  stopStreamFrom(stream: string): void;
  /** Stop following every stream of this subscription (`stop_all_streams`). During the hook only. */
  stopAllStreams(): void;
  /** Publish `message` (any JSON value) to `stream` on every node, through the one ingest road. Any time. */
  broadcast(stream: string, message: unknown): void;
  /** Merge keys into the connection state (an empty string deletes a key). During the hook only. */
  setCstate(patch: StatePatch): void;
  /** Merge keys into this subscription's state (an empty string deletes a key). During the hook only. */
  setIstate(patch: StatePatch): void;
  /** Close the connection with a catalogued reason once the hook's effects are applied. During the hook only. */
  disconnect(reason: DisconnectReason, reconnect?: boolean): void;
}

/** The context of `subscribed`: it may also refuse the subscription. */
export interface SubscribeContext<Identifiers extends object = Record<string, unknown>> extends SubscriptionContext<Identifiers> {
  /** Refuse the subscription (`reject_subscription`); return the value it gives back. */
  reject(reason?: string): SubscribeOutcome;
}

/** Whether a subscription can still be sent to; flipped once by its channel when it ends. */
export interface LiveSubscription {
  alive: boolean;
}

/** Publishes a broadcast through `Ingest` (what `ctx.broadcast` calls). */
export type PublishFn = (stream: string, data: string) => void;

/** Effects a hook recorded through its context. */
export interface RecordedEffects {
  readonly transmissions: string[];
  readonly streams: string[];
  readonly stoppedStreams: string[];
  stopStreams: boolean;
  cstate?: Record<string, string>;
  istate?: Record<string, string>;
  disconnect?: DisconnectRequest;
  rejection?: SubscribeOutcome;
}

/** Which hook a context serves: `subscribe` may reject, `unsubscribe` can no longer transmit. */
export type HookKind = 'subscribe' | 'perform' | 'unsubscribe';

/** See file comment. One per hook call; plain class, no Nest. */
export class HookContext implements SubscribeContext {
  readonly recorded: RecordedEffects = { transmissions: [], streams: [], stoppedStreams: [], stopStreams: false };
  readonly cstate: StateMap;
  readonly istate: StateMap;
  private recording = true;
  private decoded?: Readonly<Record<string, unknown>>;

  constructor(
    private readonly connection: ChannelContext,
    readonly identifier: string,
    private readonly kind: HookKind,
    private readonly live: LiveSubscription,
    private readonly publish: PublishFn,
  ) {
    this.cstate = connection.cstate;
    this.istate = connection.istate(identifier);
  }

  get sid(): string {
    return this.connection.sid;
  }

  get identifiers(): Readonly<Record<string, unknown>> {
    return (this.decoded ??= this.connection.identifiers ? (JSON.parse(this.connection.identifiers) as Record<string, unknown>) : {});
  }

  get claims(): Readonly<Record<string, unknown>> | undefined {
    return this.connection.claims;
  }

  get env(): ConnectionEnv {
    return this.connection.env;
  }

  /** The hook has returned: from now on only `transmit` (to the live subscription) and `broadcast` work. */
  finish(): RecordedEffects {
    this.recording = false;
    return this.recorded;
  }

  transmit(message: unknown): boolean {
    if (this.kind === 'unsubscribe') return false;
    const frame = broadcastFrame(this.identifier, JSON.stringify(message ?? null));
    if (this.recording) {
      this.recorded.transmissions.push(frame);
      return true;
    }
    return this.live.alive && this.connection.sendToSubscription(this.identifier, frame);
  }

  streamFrom(stream: string): void {
    this.mustRecord('streamFrom', this.kind !== 'unsubscribe');
    this.recorded.streams.push(stream);
  }

  stopStreamFrom(stream: string): void {
    this.mustRecord('stopStreamFrom', this.kind !== 'unsubscribe');
    this.recorded.stoppedStreams.push(stream);
  }

  stopAllStreams(): void {
    this.mustRecord('stopAllStreams', this.kind !== 'unsubscribe');
    this.recorded.stopStreams = true;
  }

  broadcast(stream: string, message: unknown): void {
    this.publish(stream, JSON.stringify(message ?? null));
  }

  setCstate(patch: StatePatch): void {
    this.mustRecord('setCstate', true);
    this.recorded.cstate = { ...this.recorded.cstate, ...patch };
  }

  setIstate(patch: StatePatch): void {
    this.mustRecord('setIstate', this.kind !== 'unsubscribe');
    this.recorded.istate = { ...this.recorded.istate, ...patch };
  }

  disconnect(reason: DisconnectReason, reconnect?: boolean): void {
    this.mustRecord('disconnect', true);
    this.recorded.disconnect = reconnect === undefined ? { reason } : { reason, reconnect };
  }

  reject(reason = 'rejected by the channel'): SubscribeOutcome {
    this.mustRecord('reject', this.kind === 'subscribe');
    return (this.recorded.rejection = { kind: 'rejected', reason });
  }

  /** A call outside what this hook allows is a bug in the channel: it throws. */
  private mustRecord(method: string, allowedInHook: boolean): void {
    if (!allowedInHook) throw new CableError('CABLE_ERR_CHANNEL_CONTEXT', `ctx.${method}() is not available in ${this.kind === 'unsubscribe' ? 'unsubscribed' : this.kind === 'subscribe' ? 'subscribed' : 'an action'}`);
    if (!this.recording) throw new CableError('CABLE_ERR_CHANNEL_CONTEXT', `ctx.${method}() was called after the hook returned; only transmit and broadcast work later`);
  }
}
