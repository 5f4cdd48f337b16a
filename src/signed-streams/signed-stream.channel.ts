/**
 * A channel whose subscription names one signed stream in an identifier param:
 * `Turbo::StreamsChannel` (`signed_stream_name`) and `CableReady::Stream`
 * (`identifier`), as anycable streams/controller.go handles them. Subscribing
 * never calls Rails; it is registered with `messages: 'fallback'`, so `message`
 * commands go to RPC when enabled.
 */
import type { Channel, ChannelContext, SubscribeOutcome } from '../channels/channel.js';
import type { SignedStreamVerifier } from '../channels/stream-verifier.js';
import type { ChannelParams } from '../protocol/commands.js';

/** `Turbo::StreamsChannel` (turbo-rails app/channels/turbo/streams_channel.rb). */
export const TURBO_STREAMS_CHANNEL = 'Turbo::StreamsChannel';
/** `CableReady::Stream` (cable_ready app/channels/cable_ready/stream.rb). */
export const CABLE_READY_CHANNEL = 'CableReady::Stream';
/** Identifier param carrying the signed name for Turbo (and `$pubsub`). */
export const SIGNED_STREAM_NAME_PARAM = 'signed_stream_name';
/** Identifier param carrying the signed name for CableReady. */
export const CABLE_READY_PARAM = 'identifier';

/** How one signed channel is set up. */
export interface SignedStreamChannelOptions {
  /** Identifier param holding the signed stream name. */
  param: string;
  verifier: SignedStreamVerifier;
}

/** See file comment. */
export class SignedStreamChannel implements Channel {
  constructor(private readonly options: SignedStreamChannelOptions) {}

  subscribe(_ctx: ChannelContext, _identifier: string, params: ChannelParams): SubscribeOutcome {
    const signed = params[this.options.param];
    if (signed === undefined) return { kind: 'rejected', reason: `no ${this.options.param}` };
    if (typeof signed !== 'string') return { kind: 'rejected', reason: `${this.options.param} must be a string` };
    const result = this.options.verifier.verify(signed);
    switch (result.kind) {
      case 'verified':
        return { kind: 'confirmed', streams: [result.stream] };
      case 'invalid':
        return { kind: 'rejected', reason: result.reason };
    }
  }
}
