/** DI tokens of inbound broadcasting. */

/** The frozen `BroadcastSettings` (the `broadcast` slice), resolved once by the config loader. */
export const BROADCAST_SETTINGS = Symbol('BROADCAST_SETTINGS');
