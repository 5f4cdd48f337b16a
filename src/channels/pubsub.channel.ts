import type { ChannelParams } from '../protocol/commands.js';
import type { Channel, ChannelContext, PerformOutcome, SubscribeOutcome } from './channel.js';
import type { ChannelRouter } from './channel-router.js';
import type { SignedStreamVerifier } from './stream-verifier.js';

/** Options for the `$pubsub` channel (anycable streams/controller.go). */
export interface PubsubChannelOptions {
  /** Allow unsigned `stream_name` (`public_streams`). */
  publicStreams: boolean;
  /** Allow whispers on signed streams (`streams_whisper`); public ones always may. */
  whisperOnSigned: boolean;
  /** Verifier for `signed_stream_name`. */
  verifier: SignedStreamVerifier;
  /** Where `message` commands go (the RPC fallback, looked up per call), like anycable router/router.go. */
  router: Pick<ChannelRouter, 'fallback'>;
}

/**
 * `$pubsub`: subscribe to a stream by `signed_stream_name` (verified) or, when
 * public streams are on, by plain `stream_name`. Subscribing never calls Rails;
 * `message` commands go to the router's fallback.
 */
export class PubsubChannel implements Channel {
  readonly name = '$pubsub';

  constructor(private readonly options: PubsubChannelOptions) {}

  subscribe(_ctx: unknown, _identifier: string, params: ChannelParams): SubscribeOutcome {
    const signed = params.signed_stream_name;
    if (signed !== undefined) {
      if (typeof signed !== 'string') return { kind: 'rejected', reason: 'signed_stream_name must be a string' };
      const result = this.options.verifier.verify(signed);
      if (result.kind === 'invalid') return { kind: 'rejected', reason: result.reason };
      return { kind: 'confirmed', streams: [result.stream], whisperStream: this.options.whisperOnSigned ? result.stream : undefined };
    }
    const name = params.stream_name;
    if (name === undefined) return { kind: 'rejected', reason: 'no stream_name or signed_stream_name' };
    if (!this.options.publicStreams) return { kind: 'rejected', reason: 'public streams are disabled (public_streams)' };
    if (typeof name !== 'string' || name.length === 0) return { kind: 'rejected', reason: 'stream_name must be a non-empty string' };
    return { kind: 'confirmed', streams: [name], whisperStream: name };
  }

  perform(ctx: ChannelContext, identifier: string, data: string): PerformOutcome | Promise<PerformOutcome> {
    return this.options.router.fallback.perform(ctx, identifier, data);
  }
}
