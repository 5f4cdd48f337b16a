/** DI tokens of the channels module. */

/** The `ChannelFallback` implementation (`NoRpcFallback` unless a module provides another). */
export const CHANNEL_FALLBACK = Symbol('CHANNEL_FALLBACK');
