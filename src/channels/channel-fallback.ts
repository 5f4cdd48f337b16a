/**
 * The fallback seam: what handles channels no local channel claims, and the
 * `message` commands a local channel hands on (anycable router/router.go). RPC
 * implements it later; without RPC it is `NoRpcFallback`.
 */
import type { ChannelContext, CommandHandlers, MaybePromise } from './channel.js';

/** One implementation per deployment, injected under `CHANNEL_FALLBACK`. */
export interface ChannelFallback extends CommandHandlers {
  /** Short name for the boot log (`none`, `rpc`). */
  readonly name: string;
  /**
   * Called once when an identified connection closes, with every identifier it
   * still held (anycable makes one Disconnect RPC per connection). The context
   * stays readable (`env`, `cstate`, `istate`) while the call runs.
   */
  disconnect(ctx: ChannelContext, subscriptions: readonly string[]): MaybePromise<void>;
}
