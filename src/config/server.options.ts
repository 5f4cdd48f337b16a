/**
 * The `server` slice: where cablecar listens and what a connection's request
 * brings (anycable server/config.go, ws/config.go, rpc/config.go for `headers`).
 * Read by the bootstrap (listen, WebSocket adapter), the gateway and the health and readiness endpoints.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

  @Option({ kind: 'string', toml: 'server.ssl.cert_path', description: 'TLS certificate (PEM file, chain allowed); with ssl_key, the port serves HTTPS and WSS instead of HTTP and WS.' })
  @IsString()
  sslCert = '';

  @Option({ kind: 'string', toml: 'server.ssl.key_path', description: 'TLS private key (PEM file) for ssl_cert; set both or neither.' })
  @IsString()
  sslKey = '';
}

/** TLS material read at start-up (`ssl_cert`, `ssl_key`), handed to Node's HTTPS server. */
export interface TlsSettings {
  readonly certPath: string;
  readonly keyPath: string;
  readonly cert: Buffer;
  readonly key: Buffer;
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
  /** Set when `ssl_cert` and `ssl_key` are: HTTPS and WSS on `port` (anycable server/config.go `SSL`). */
  readonly tls?: TlsSettings;
}

/** Read one PEM file; a problem naming the option and the path when it cannot be read (never its content). */
function readPemFile(option: string, path: string, problems: string[]): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    problems.push(`${option}: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
}

/**
 * `ssl_cert` and `ssl_key`: both or neither; each file readable and parseable, and the key the
 * certificate's, so a bad pair stops start-up with a problem instead of failing in the TLS server.
 */
function resolveTls(options: Readonly<ServerOptions>, problems: string[]): TlsSettings | undefined {
  const { sslCert: certPath, sslKey: keyPath } = options;
  if (!certPath && !keyPath) return undefined;
  if (!certPath || !keyPath) {
    problems.push(`${certPath ? 'ssl_key' : 'ssl_cert'}: required with ${certPath ? 'ssl_cert' : 'ssl_key'} (TLS needs both the certificate and its key)`);
    return undefined;
  }
  const cert = readPemFile('ssl_cert', certPath, problems);
  const key = readPemFile('ssl_key', keyPath, problems);
  if (!cert || !key) return undefined;
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(cert);
  } catch {
    problems.push(`ssl_cert: ${certPath} holds no PEM certificate`);
    return undefined;
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(key))) problems.push(`ssl_key: ${keyPath} is not the key of the certificate in ${certPath}`);
  } catch {
    problems.push(`ssl_key: ${keyPath} holds no PEM private key (or it is encrypted, which is not supported)`);
  }
  return { certPath, keyPath, cert, key };
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
      tls: resolveTls(options, problems),
    },
    problems,
    warnings: [],
  };
}

/** The `server` capability. */
export const serverCapability = defineCapability({ name: 'server', options: ServerOptions, token: SERVER_SETTINGS, resolve: resolveServerSettings });
