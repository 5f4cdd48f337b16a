/**
 * Seam for signed stream names: the `$pubsub` channel asks a verifier to turn a
 * `signed_stream_name` into a stream. The signed-streams module provides the
 * real Rails MessageVerifier implementation; without it every signed name is refused.
 */

/** Outcome of verifying a signed stream name. */
export type StreamVerification = { kind: 'verified'; stream: string } | { kind: 'invalid'; reason: string };

/** Verifies signed stream names for one purpose (a key). */
export interface SignedStreamVerifier {
  verify(signed: string): StreamVerification;
}

/** Refuses every signed name: no streams secret configured. */
export const NO_SIGNED_STREAMS: SignedStreamVerifier = {
  verify: () => ({ kind: 'invalid', reason: 'signed streams are not configured (no streams secret)' }),
};
