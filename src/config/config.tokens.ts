/**
 * DI tokens of the slices `config/` owns, and the logger. Here, not in `cable/`,
 * so no feature folder imports the gateway. Feature slices keep their token
 * beside them (`JWT_SETTINGS`, `STREAMS_SETTINGS`, `BROADCAST_SETTINGS`).
 */

/** The application's `CableLogger`. */
export const CABLE_LOGGER = Symbol('CABLE_LOGGER');
/** Frozen `AppSettings`: secret, noauth, public (the shared slice). */
export const APP_SETTINGS = Symbol('APP_SETTINGS');
/** Frozen `RedisSettings`: the Redis URL every Redis edge connects to. */
export const REDIS_SETTINGS = Symbol('REDIS_SETTINGS');
/** Frozen `NatsSettings`: the NATS servers every NATS edge connects to. */
export const NATS_SETTINGS = Symbol('NATS_SETTINGS');
/** Frozen `ServerSettings`: listen address, paths, origins, connection limits, shutdown. */
export const SERVER_SETTINGS = Symbol('SERVER_SETTINGS');
/** Frozen `WsSettings`: pings, frame and buffer sizes. */
export const WS_SETTINGS = Symbol('WS_SETTINGS');
/** Frozen `LimitsSettings`: per-connection bounds. */
export const LIMITS_SETTINGS = Symbol('LIMITS_SETTINGS');
/** Frozen `LoggingSettings`: level and format. */
export const LOGGING_SETTINGS = Symbol('LOGGING_SETTINGS');
