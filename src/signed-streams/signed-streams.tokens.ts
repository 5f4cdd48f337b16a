/** DI tokens of signed streams. */

/** The frozen `SignedStreamsSettings` (the `streams` slice), resolved once by the config loader. */
export const STREAMS_SETTINGS = Symbol('STREAMS_SETTINGS');
