/** DI tokens of inbound broadcasting (override them in tests or extensions). */

/** The frozen `BroadcastSettings` (the `broadcast` slice), resolved once by the config loader. */
export const BROADCAST_SETTINGS = Symbol('BROADCAST_SETTINGS');
/** The node-to-node `PubSub` (default `LocalPubSub`). */
export const PUBSUB = Symbol('PUBSUB');
/** Every configured `Broadcaster` (`broadcast_adapter`), started at boot and stopped at shutdown. */
export const BROADCASTERS = Symbol('BROADCASTERS');
/** The `HttpBroadcaster`, or null when `http` is not among `broadcast_adapter`; mounted on the main HTTP server. */
export const HTTP_BROADCASTER = Symbol('HTTP_BROADCASTER');
