/**
 * The fallback seam: what handles channels no local channel claims, and the
 * `message` commands a local channel hands on (anycable router/router.go). RPC
 * implements it later; without RPC it is `NoRpcFallback`.
 */
import type { ChannelParams } from '../protocol/commands.js';
import type { ChannelContext, MaybePromise, PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from './channel.js';

/** One implementation per deployment, injected under `CHANNEL_FALLBACK`. */
export interface ChannelFallback {
  /** Short name for the boot log (`none`, `rpc`). */
  readonly name: string;
  subscribe(ctx: ChannelContext, identifier: string, params: ChannelParams): MaybePromise<SubscribeOutcome>;
  unsubscribe(ctx: ChannelContext, identifier: string): MaybePromise<UnsubscribeOutcome>;
  perform(ctx: ChannelContext, identifier: string, data: string): MaybePromise<PerformOutcome>;
  /**
   * Called once when an identified connection closes, with every identifier it
   * still held (anycable makes one Disconnect RPC per connection). The context
   * stays readable (`env`, `cstate`, `istate`) while the call runs.
   */
  disconnect(ctx: ChannelContext, subscriptions: readonly string[]): MaybePromise<void>;
}
