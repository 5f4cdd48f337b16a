/**
 * `cablecar/publisher`: what a Node backend needs to broadcast to cablecar (or
 * anycable-go) in the format Rails sends, without loading the server.
 */
export { HttpPublisher, type HttpPublisherOptions } from './http.publisher.js';
export { RedisPublisher, type RedisPublisherOptions } from './redis.publisher.js';
export { batchBody, broadcastBody, deriveBroadcastKey, disconnectBody, railsJson, type BroadcastMessage, type BroadcastOptions, type Publisher, type PublishOutcome } from './publisher.js';
