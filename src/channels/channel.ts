/**
 * The channel contract. A channel handles subscriptions for one
 * `identifier.channel` name locally ($pubsub, Turbo, CableReady, user channels);
 * every other name goes to the fallback (RPC when enabled). Handlers return
 * outcome values; the session applies them (anycable node/node.go `handleCommandReply`).
 */
import type { ConnectionContext } from '../connection/connection-state.js';
import type { ConnectionEffects, SubscriptionEffects } from '../connection/effects.js';
import type { ChannelParams } from '../protocol/commands.js';

/** What a channel knows about the connection it serves (read-only). */
export type ChannelContext = ConnectionContext;

/** Result of a subscribe command. */
export type SubscribeOutcome =
  /** Recorded; `transmissions`, when given, replace the default `confirm_subscription` frame. */
  | ({ readonly kind: 'confirmed' } & SubscriptionEffects)
  /** Not recorded; `reject_subscription` (or the given transmissions) is sent (anycable: status FAILURE). */
  | ({ readonly kind: 'rejected'; readonly reason: string } & ConnectionEffects)
  /** Failed on our side: nothing is applied or sent, the failure is logged (anycable: status ERROR). */
  | { readonly kind: 'error'; readonly reason: string };

/** Result of an unsubscribe command; the subscription's streams and `istate` are dropped whatever it says. */
export type UnsubscribeOutcome =
  | ({ readonly kind: 'unsubscribed' } & ConnectionEffects)
  | { readonly kind: 'error'; readonly reason: string };

/** Result of a `message` (perform) command. */
export type PerformOutcome =
  | ({ readonly kind: 'performed' } & SubscriptionEffects)
  /** Nothing to do (e.g. no RPC to forward to); logged at debug. */
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string };

/** A value, or a promise of it for handlers that do I/O. */
export type MaybePromise<T> = T | Promise<T>;

/** The three command handlers a route and the fallback both have. */
export interface CommandHandlers {
  subscribe(ctx: ChannelContext, identifier: string, params: ChannelParams): MaybePromise<SubscribeOutcome>;
  unsubscribe(ctx: ChannelContext, identifier: string): MaybePromise<UnsubscribeOutcome>;
  perform(ctx: ChannelContext, identifier: string, data: string): MaybePromise<PerformOutcome>;
}

/** A locally handled channel. Its `message` commands go to `perform` or to the fallback, as its registration says. */
export interface Channel {
  subscribe(ctx: ChannelContext, identifier: string, params: ChannelParams): MaybePromise<SubscribeOutcome>;
  /** Called on an unsubscribe command and, per subscription, when the connection closes. */
  unsubscribe?(ctx: ChannelContext, identifier: string): MaybePromise<UnsubscribeOutcome>;
  perform?(ctx: ChannelContext, identifier: string, data: string): MaybePromise<PerformOutcome>;
}

/** A channel that handles its own `message` commands. */
export interface PerformingChannel extends Channel {
  perform(ctx: ChannelContext, identifier: string, data: string): MaybePromise<PerformOutcome>;
}
