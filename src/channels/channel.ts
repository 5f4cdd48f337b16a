/**
 * The channel routing seam. A channel handles subscriptions for one
 * `identifier.channel` name locally ($pubsub, Turbo, CableReady); everything
 * else goes to the fallback (RPC when enabled, otherwise an explicit rejection).
 */
import type { ChannelParams } from '../protocol/commands.js';

/** What a channel knows about the connection it serves. */
export interface ChannelContext {
  /** Session id. */
  readonly sid: string;
  /** Connection identifiers JSON string. */
  readonly identifiers: string;
}

/** Result of a subscribe command. */
export type SubscribeOutcome =
  /** Confirmed: join these streams. `transmissions` replace the default confirm frame when given. */
  | { kind: 'confirmed'; streams: readonly string[]; whisperStream?: string; transmissions?: readonly string[] }
  /** Rejected: `reject_subscription` (or the given transmissions) is sent. */
  | { kind: 'rejected'; reason: string; transmissions?: readonly string[] }
  /** Failed on our side: nothing is sent to the client (anycable: RPC ERROR). */
  | { kind: 'error'; reason: string };

/** Result of a `message` (perform) command. */
export type PerformOutcome =
  | { kind: 'ignored'; reason: string }
  | {
      kind: 'performed';
      transmissions?: readonly string[];
      streams?: readonly string[];
      stopStreams?: boolean;
      stoppedStreams?: readonly string[];
      disconnect?: boolean;
    }
  | { kind: 'error'; reason: string };

/** A locally handled channel, or the fallback. */
export interface Channel {
  /** Channel name as it appears in identifiers (`$pubsub`); `*` for the fallback. */
  readonly name: string;
  subscribe(ctx: ChannelContext, identifier: string, params: ChannelParams): SubscribeOutcome | Promise<SubscribeOutcome>;
  perform(ctx: ChannelContext, identifier: string, data: string): PerformOutcome | Promise<PerformOutcome>;
  /** Called after the subscription's streams are dropped. */
  unsubscribe?(ctx: ChannelContext, identifier: string): void | Promise<void>;
}
