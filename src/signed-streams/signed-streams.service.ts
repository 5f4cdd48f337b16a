/**
 * `SignedStreams`: the verifiers for `$pubsub`, `Turbo::StreamsChannel` and
 * `CableReady::Stream`, from the `streams` slice resolved once by the loader.
 * A plain class (the Nest module provides it with a factory), so tests build it with `new`.
 */
import type { SignedStreamVerifier, StreamVerification } from '../channels/stream-verifier.js';
import { NO_SIGNED_STREAMS } from '../channels/stream-verifier.js';
import type { SignedChannelSetting, SignedStreamsSettings } from './signed-streams-settings.js';

/** Which verifier to use. */
export type SignedStreamKind = 'pubsub' | 'turbo' | 'cableReady';

/** See file comment. */
export class SignedStreams {
  constructor(readonly settings: SignedStreamsSettings) {}

  /** The verifier for a kind; one that refuses everything when that kind has no key or is disabled. */
  verifier(kind: SignedStreamKind): SignedStreamVerifier {
    if (kind === 'pubsub') return this.settings.pubsub.verifier ?? NO_SIGNED_STREAMS;
    const setting: SignedChannelSetting = this.settings[kind];
    return setting.kind === 'enabled' ? setting.verifier : NO_SIGNED_STREAMS;
  }

  /** Verify a signed stream name for a kind. */
  verify(kind: SignedStreamKind, signed: string): StreamVerification {
    return this.verifier(kind).verify(signed);
  }
}
