/**
 * The `server` slice: where cablecar listens and what a connection's request
 * brings (anycable server/config.go, ws/config.go, rpc/config.go for `headers`).
 * Read by the bootstrap (listen, WebSocket adapter), the gateway and the health and readiness endpoints.
 */
import { ArrayNotEmpty, IsInt, IsNumber, IsString, Matches, Max, Min } from 'class-validator';
import { defineCapability, type Resolved } from './capability.js';
import { SERVER_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** An HTTP header name (RFC 9110 token). */
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** Options of the `server` slice. */
export class ServerOptions {
  @Option({ kind: 'string', toml: 'server.host', description: 'Address to listen on (use 0.0.0.0 in containers).' })
  @IsString()
  host = 'localhost';

  @Option({ kind: 'int', toml: 'server.port', envAliases: ['PORT'], description: 'HTTP/WebSocket port (0 picks a free port).' })
  @IsInt() @Min(0) @Max(65535)
  port = 8080;

  @Option({ kind: 'list', toml: 'ws.paths', description: 'WebSocket endpoint path(s), comma-separated.' })
  @ArrayNotEmpty() @IsString({ each: true }) @Matches(/^\//, { each: true, message: 'path must start with /' })
  path: string[] = ['/cable'];

  @Option({ kind: 'string', name: 'health-path', toml: 'server.health_path', description: 'Liveness endpoint path.' })
  @IsString() @Matches(/^\//, { message: 'health-path must start with /' })
  healthPath = '/health';

  @Option({ kind: 'string', toml: 'server.readiness_path', description: 'Readiness endpoint path: 200 when every required I/O edge (broadcasters, pub/sub, replay store, RPC, JWKS) is up, else 503; JSON names each edge and its state.' })
  @IsString() @Matches(/^\//, { message: 'readiness_path must start with /' })
  readinessPath = '/ready';

  @Option({ kind: 'int', name: 'max-conn', toml: 'server.max_conn', description: 'Maximum concurrent WebSocket connections (0 = unlimited); extra upgrades get 503.' })
  @IsInt() @Min(0)
  maxConn = 0;

  @Option({ kind: 'list', toml: 'server.allowed_origins', description: 'Allowed Origin hosts (host[:port]; `*.example.com` matches subdomains). Empty = no check.' })
  @IsString({ each: true })
  allowedOrigins: string[] = [];

  @Option({ kind: 'number', toml: 'server.shutdown_timeout', description: 'Seconds to wait for sessions to close on SIGTERM/SIGINT.' })
  @IsNumber() @Min(0)
  shutdownTimeout = 30;

  @Option({ kind: 'list', toml: 'rpc.proxy_headers', description: "Request headers copied into each connection's env (names, comma-separated, lower-cased), as anycable-go passes them to RPC." })
  @IsString({ each: true }) @Matches(HEADER_NAME, { each: true, message: 'headers must be HTTP header names' })
  headers: string[] = ['cookie'];

  @Option({ kind: 'number', toml: 'server.identify_timeout', description: 'Seconds a connection may take to identify before it is closed with `idle_timeout` (0 disables).' })
  @IsNumber() @Min(0)
  identifyTimeout = 10;
}

/** The resolved `server` slice. */
export interface ServerSettings {
  readonly host: string;
  readonly port: number;
  /** WebSocket endpoint paths, distinct. */
  readonly paths: readonly string[];
  readonly healthPath: string;
  /** Where the readiness report is served (cablecar's; anycable-go has liveness only). */
  readonly readinessPath: string;
  /** 0 = unlimited. */
  readonly maxConn: number;
  /** Empty = no Origin check. */
  readonly allowedOrigins: readonly string[];
  readonly shutdownTimeoutMs: number;
  /** Lower-cased header names copied into a connection's env. */
  readonly headers: readonly string[];
  /** How long identification may take; 0 = no limit. */
  readonly identifyTimeoutMs: number;
}

/** Resolve the `server` slice; the WebSocket paths must be distinct and differ from the health path. */
export function resolveServerSettings(options: Readonly<ServerOptions>): Resolved<ServerSettings, ServerOptions> {
  const problems: string[] = [];
  if (new Set(options.path).size !== options.path.length) problems.push('path: duplicate entries');
  if (options.path.includes(options.healthPath)) problems.push('health-path: must differ from the WebSocket path');
  if (options.path.includes(options.readinessPath)) problems.push('readiness_path: must differ from the WebSocket path');
  if (options.readinessPath === options.healthPath) problems.push('readiness_path: must differ from health-path');
  return {
    settings: {
      host: options.host,
      port: options.port,
      paths: options.path,
      healthPath: options.healthPath,
      readinessPath: options.readinessPath,
      maxConn: options.maxConn,
      allowedOrigins: options.allowedOrigins,
      shutdownTimeoutMs: options.shutdownTimeout * 1000,
      headers: [...new Set(options.headers.map((name) => name.toLowerCase()))],
      identifyTimeoutMs: options.identifyTimeout * 1000,
    },
    problems,
    warnings: [],
  };
}

/** The `server` capability. */
export const serverCapability = defineCapability({ name: 'server', options: ServerOptions, token: SERVER_SETTINGS, resolve: resolveServerSettings });
