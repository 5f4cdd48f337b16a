/**
 * `$pubsub` with a real verifier: subscription rules are `PubsubChannel`'s
 * (signed_stream_name wins, stream_name only with public streams, whisper on
 * public streams and on signed ones with `streams_whisper`); `message` goes to
 * the router's fallback like anycable router/router.go does for local channels.
 */
import type { Channel, ChannelContext, PerformOutcome, SubscribeOutcome } from '../channels/channel.js';
import type { ChannelRouter } from '../channels/channel-router.js';
import { PubsubChannel, type PubsubChannelOptions } from '../channels/pubsub.channel.js';
import type { ChannelParams } from '../protocol/commands.js';

/** See file comment. */
export class SignedPubsubChannel implements Channel {
  readonly name = '$pubsub';
  private readonly rules: PubsubChannel;

  constructor(options: PubsubChannelOptions, private readonly router: Pick<ChannelRouter, 'fallback'>) {
    this.rules = new PubsubChannel(options);
  }

  subscribe(ctx: ChannelContext, identifier: string, params: ChannelParams): SubscribeOutcome {
    return this.rules.subscribe(ctx, identifier, params);
  }

  perform(ctx: ChannelContext, identifier: string, data: string): PerformOutcome | Promise<PerformOutcome> {
    return this.router.fallback.perform(ctx, identifier, data);
  }
}
