import { WHISPER_STREAM_STATE } from '../connection/connection-state.js';
import type { SubscriptionEffects } from '../connection/effects.js';
import type { ChannelParams } from '../protocol/commands.js';
import type { Channel, SubscribeOutcome } from './channel.js';
import type { SignedStreamVerifier } from './stream-verifier.js';

/** Options for the `$pubsub` channel (anycable streams/controller.go). */
export interface PubsubChannelOptions {
  /** Allow unsigned `stream_name` (`public_streams`). */
  publicStreams: boolean;
  /** Allow whispers on signed streams (`streams_whisper`); public ones always may. */
  whisperOnSigned: boolean;
  /** Verifier for `signed_stream_name`. */
  verifier: SignedStreamVerifier;
}

/** Name of the channel in identifiers (anycable streams/controller.go; `pubsub_channel` in anycable.toml). */
export const PUBSUB_CHANNEL = '$pubsub';

/**
 * `$pubsub`: subscribe to a stream by `signed_stream_name` (verified) or, when
 * public streams are on, by plain `stream_name`. Subscribing never calls Rails;
 * it is registered with `messages: 'fallback'`, so `message` commands go to RPC.
 * The whisper stream is the subscription's `$w` state, as in anycable.
 */
export class PubsubChannel implements Channel {
  constructor(private readonly options: PubsubChannelOptions) {}

  subscribe(_ctx: unknown, _identifier: string, params: ChannelParams): SubscribeOutcome {
    const signed = params.signed_stream_name;
    if (signed !== undefined) {
      if (typeof signed !== 'string') return { kind: 'rejected', reason: 'signed_stream_name must be a string' };
      const result = this.options.verifier.verify(signed);
      if (result.kind === 'invalid') return { kind: 'rejected', reason: result.reason };
      return { kind: 'confirmed', streams: [result.stream], ...(this.options.whisperOnSigned ? whisperOn(result.stream) : {}) };
    }
    const name = params.stream_name;
    if (name === undefined) return { kind: 'rejected', reason: 'no stream_name or signed_stream_name' };
    if (!this.options.publicStreams) return { kind: 'rejected', reason: 'public streams are disabled (public_streams)' };
    if (typeof name !== 'string' || name.length === 0) return { kind: 'rejected', reason: 'stream_name must be a non-empty string' };
    return { kind: 'confirmed', streams: [name], ...whisperOn(name) };
  }
}

/** The `istate` patch that lets a subscription whisper to `stream`. */
function whisperOn(stream: string): Pick<SubscriptionEffects, 'istate'> {
  return { istate: { [WHISPER_STREAM_STATE]: stream } };
}
