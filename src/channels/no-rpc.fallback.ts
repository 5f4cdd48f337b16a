import type { CableLogger } from '../logging/cable-logger.js';
import type { ChannelParams } from '../protocol/commands.js';
import type { ChannelContext, PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from './channel.js';
import type { ChannelFallback } from './channel-fallback.js';

/** Why a subscription is refused or a message dropped when no RPC backend is configured. */
export const RPC_OFF = 'RPC fallback disabled (RPC is off)';

/** Distinct channel names reported at info; a client inventing names cannot make the set (or the log) grow past this. */
const MAX_REPORTED_CHANNELS = 64;

/**
 * The fallback without RPC (anycable `--norpc`): subscriptions to channels no
 * local channel handles are rejected, `message` commands are ignored (debug),
 * and a closed connection needs no Disconnect call.
 */
export class NoRpcFallback implements ChannelFallback {
  readonly name = 'none';
  private readonly reported = new Set<string>();

  constructor(private readonly logger: CableLogger) {}

  subscribe(ctx: ChannelContext, _identifier: string, params: ChannelParams): SubscribeOutcome {
    // why once per channel name at info: an operator sees why `ChatChannel` is refused without a flood of lines.
    const first = !this.reported.has(params.channel) && this.reported.size < MAX_REPORTED_CHANNELS;
    if (first) this.reported.add(params.channel);
    if (first || this.logger.debugEnabled) {
      this.logger.logAt(first ? 'info' : 'debug', 'subscription rejected: RPC is off', { sid: ctx.sid, channel: params.channel.slice(0, 128) });
    }
    return { kind: 'rejected', reason: RPC_OFF };
  }

  unsubscribe(): UnsubscribeOutcome {
    return { kind: 'unsubscribed' };
  }

  perform(): PerformOutcome {
    return { kind: 'ignored', reason: RPC_OFF };
  }

  disconnect(): void {}
}
