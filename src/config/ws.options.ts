/**
 * The `ws` slice: Action Cable pings and WebSocket frame and buffer sizes
 * (anycable node/config.go, ws/config.go). Read by the WebSocket adapter and the gateway.
 */
import { IsIn, IsInt, IsNumber, Min } from 'class-validator';
import { defineCapability, resolvedOk, type Resolved } from './capability.js';
import { WS_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** Ping timestamp units accepted by `ping_timestamp_precision`. */
export const PING_PRECISIONS = ['s', 'ms', 'ns'] as const;

/** Options of the `ws` slice. */
export class WsOptions {
  @Option({ kind: 'number', toml: 'app.ping_interval', description: 'Seconds between server pings (0 disables).' })
  @IsNumber() @Min(0)
  pingInterval = 3;

  @Option({ kind: 'string', toml: 'app.ping_timestamp_precision', description: 'Ping timestamp unit: s, ms or ns.' })
  @IsIn(PING_PRECISIONS as unknown as string[])
  pingTimestampPrecision: (typeof PING_PRECISIONS)[number] = 's';

  @Option({ kind: 'int', toml: 'ws.max_message_size', description: 'Largest accepted client frame in bytes; larger frames close the socket with 1009.' })
  @IsInt() @Min(64)
  maxMessageSize = 65536;

  @Option({ kind: 'int', toml: 'ws.max_pending_size', description: 'Outgoing bytes buffered per client before it is disconnected as too_slow.' })
  @IsInt() @Min(1024)
  wsMaxPendingSize = 1048576;
}

/** The resolved `ws` slice. */
export interface WsSettings {
  /** 0 = no pings. */
  readonly pingIntervalSeconds: number;
  readonly pingTimestampPrecision: (typeof PING_PRECISIONS)[number];
  readonly maxMessageSize: number;
  /** `ws_max_pending_size`: outgoing bytes per client before `too_slow`. */
  readonly maxPendingSize: number;
}

/** Resolve the `ws` slice (no cross-field rules). */
export function resolveWsSettings(options: Readonly<WsOptions>): Resolved<WsSettings, WsOptions> {
  return resolvedOk({
    pingIntervalSeconds: options.pingInterval,
    pingTimestampPrecision: options.pingTimestampPrecision,
    maxMessageSize: options.maxMessageSize,
    maxPendingSize: options.wsMaxPendingSize,
  });
}

/** The `ws` capability. */
export const wsCapability = defineCapability({ name: 'ws', options: WsOptions, token: WS_SETTINGS, resolve: resolveWsSettings });
