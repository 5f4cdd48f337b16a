/**
 * The `ws` slice: Action Cable pings and WebSocket frame and buffer sizes
 * (anycable node/config.go, ws/config.go). Read by the WebSocket adapter and the gateway.
 */
import { IsIn, IsInt, IsNumber, Min } from 'class-validator';
import { defineCapability, type Resolved } from './capability.js';
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

  @Option({ kind: 'number', toml: 'app.pong_timeout', description: 'Seconds an `actioncable-v1-ext-json` client may stay silent (no pong nor any other frame) before it is disconnected with `no_pong` (0 disables).' })
  @IsNumber() @Min(0)
  pongTimeout = 0;

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
  /** `pong_timeout` in ms; 0 = pongs not required (anycable-go's default). */
  readonly pongTimeoutMs: number;
  readonly maxMessageSize: number;
  /** `ws_max_pending_size`: outgoing bytes per client before `too_slow`. */
  readonly maxPendingSize: number;
}

/** Resolve the `ws` slice; a `pong_timeout` that pings cannot satisfy is worth a warning, not a stop. */
export function resolveWsSettings(options: Readonly<WsOptions>): Resolved<WsSettings, WsOptions> {
  const warnings: string[] = [];
  if (options.pongTimeout > 0 && options.pingInterval === 0) {
    warnings.push('pong_timeout: ping_interval is 0, so ext-protocol clients get no pings to answer (only a ?pi= connection does) and are cut off unless they send something else');
  } else if (options.pongTimeout > 0 && options.pongTimeout <= options.pingInterval) {
    warnings.push(`pong_timeout: ${options.pongTimeout} s is not longer than ping_interval (${options.pingInterval} s): clients that answer every ping may still be cut off`);
  }
  return {
    settings: {
      pingIntervalSeconds: options.pingInterval,
      pingTimestampPrecision: options.pingTimestampPrecision,
      pongTimeoutMs: options.pongTimeout * 1000,
      maxMessageSize: options.maxMessageSize,
      maxPendingSize: options.wsMaxPendingSize,
    },
    problems: [],
    warnings,
  };
}

/** The `ws` capability. */
export const wsCapability = defineCapability({ name: 'ws', options: WsOptions, token: WS_SETTINGS, resolve: resolveWsSettings });
