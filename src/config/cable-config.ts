/**
 * The configuration schema: every option cablecar understands, with AnyCable's
 * names (shared/reference/anycable-protocol.md §1.1, §2.1, §3.1, §5.2, §6).
 * Defaults are the property initialisers. Parsed once at boot by `loadConfig`,
 * then frozen.
 */
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Max, Min, ArrayNotEmpty, Matches } from 'class-validator';
import { Option } from './option.decorator.js';

/** Log levels accepted by `log_level`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** Broadcast adapters known to this build. */
export const BROADCAST_ADAPTERS = ['http'] as const;

/** JWT algorithms cablecar can verify (`none` is never accepted). */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'] as const;

/** The validated, frozen configuration. */
export class CableConfig {
  // --- server ---
  @Option({ group: 'server', kind: 'string', toml: 'server.host', description: 'Address to listen on (use 0.0.0.0 in containers).' })
  @IsString()
  host = 'localhost';

  @Option({ group: 'server', kind: 'int', toml: 'server.port', envAliases: ['PORT'], description: 'HTTP/WebSocket port (0 picks a free port).' })
  @IsInt() @Min(0) @Max(65535)
  port = 8080;

  @Option({ group: 'server', kind: 'list', toml: 'ws.paths', description: 'WebSocket endpoint path(s), comma-separated.' })
  @ArrayNotEmpty() @IsString({ each: true }) @Matches(/^\//, { each: true, message: 'path must start with /' })
  path: string[] = ['/cable'];

  @Option({ group: 'server', kind: 'string', name: 'health-path', toml: 'server.health_path', description: 'Liveness endpoint path.' })
  @IsString() @Matches(/^\//, { message: 'health-path must start with /' })
  healthPath = '/health';

  @Option({ group: 'server', kind: 'int', name: 'max-conn', toml: 'server.max_conn', description: 'Maximum concurrent WebSocket connections (0 = unlimited); extra upgrades get 503.' })
  @IsInt() @Min(0)
  maxConn = 0;

  @Option({ group: 'server', kind: 'list', toml: 'server.allowed_origins', description: 'Allowed Origin hosts (host[:port]; `*.example.com` matches subdomains). Empty = no check.' })
  @IsString({ each: true })
  allowedOrigins: string[] = [];

  @Option({ group: 'server', kind: 'number', toml: 'server.shutdown_timeout', description: 'Seconds to wait for sessions to close on SIGTERM/SIGINT.' })
  @IsNumber() @Min(0)
  shutdownTimeout = 30;

  // TOML key as anycable rpc/config.go (`ProxyHeaders`, toml "proxy_headers"); the flag is anycable-go's `--headers`.
  @Option({ group: 'server', kind: 'list', toml: 'rpc.proxy_headers', description: 'Request headers a connection keeps in its env (sent to RPC), lower-case names, e.g. cookie,x-api-token; REMOTE_ADDR is always kept.' })
  @IsString({ each: true }) @Matches(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { each: true, message: 'headers must be HTTP header names' })
  headers: string[] = ['cookie'];

  @Option({ group: 'server', kind: 'number', toml: 'server.identify_timeout', description: 'Seconds a connection may take to be identified (JWT, RPC Connect) before it is closed with idle_timeout (0 = no limit).' })
  @IsNumber() @Min(0)
  identifyTimeout = 10;

  // --- application / auth modes ---
  @Option({ group: 'app', kind: 'string', toml: 'secret', secret: true, description: 'Application secret; broadcast key (and later JWT / streams secrets) are derived from it.' })
  @IsString()
  secret = '';

  @Option({ group: 'app', kind: 'bool', toml: 'noauth', description: 'Accept every connection without identification (identifiers = {"sid":...}).' })
  @IsBoolean()
  noauth = false;

  @Option({ group: 'app', kind: 'bool', toml: 'public', description: 'Shorthand for noauth + public_streams + unauthenticated HTTP broadcasts. Development only.' })
  @IsBoolean()
  public = false;

  @Option({ group: 'streams', kind: 'bool', toml: 'streams.public', description: 'Allow unsigned `stream_name` subscriptions on the `$pubsub` channel.' })
  @IsBoolean()
  publicStreams = false;

  // --- protocol ---
  @Option({ group: 'ws', kind: 'number', toml: 'app.ping_interval', description: 'Seconds between server pings (0 disables).' })
  @IsNumber() @Min(0)
  pingInterval = 3;

  @Option({ group: 'ws', kind: 'string', toml: 'app.ping_timestamp_precision', description: 'Ping timestamp unit: s, ms or ns.' })
  @IsIn(['s', 'ms', 'ns'])
  pingTimestampPrecision: 's' | 'ms' | 'ns' = 's';

  @Option({ group: 'ws', kind: 'int', toml: 'ws.max_message_size', description: 'Largest accepted client frame in bytes; larger frames close the socket with 1009.' })
  @IsInt() @Min(64)
  maxMessageSize = 65536;

  @Option({ group: 'ws', kind: 'int', toml: 'ws.max_pending_size', description: 'Outgoing bytes buffered per client before it is disconnected as too_slow.' })
  @IsInt() @Min(1024)
  wsMaxPendingSize = 1048576;

  // --- per-connection bounds (cablecar only: anycable-go has none of these; see docs/security.md) ---
  @Option({ group: 'limits', kind: 'int', toml: 'limits.max_subscriptions', description: 'Subscriptions one connection may hold; further subscribes are rejected (0 = unlimited).' })
  @IsInt() @Min(0)
  maxSubscriptions = 256;

  @Option({ group: 'limits', kind: 'int', toml: 'limits.max_identifiers_per_stream', description: 'Subscriptions (identifiers) of one connection on the same stream; further ones are rejected (0 = unlimited).' })
  @IsInt() @Min(0)
  maxIdentifiersPerStream = 16;

  @Option({ group: 'limits', kind: 'number', toml: 'limits.command_rate', description: 'Commands per second one connection may send on average; past the burst it is disconnected as rate_limited (0 = unlimited).' })
  @IsNumber() @Min(0)
  commandRate = 100;

  @Option({ group: 'limits', kind: 'int', toml: 'limits.command_burst', description: 'Commands one connection may send at once above command_rate (a page resubscribing after a reconnect).' })
  @IsInt() @Min(1)
  commandBurst = 300;

  @Option({ group: 'limits', kind: 'number', toml: 'limits.whisper_rate', description: 'Whispers per second one connection may send on average; extra whispers are dropped (0 = unlimited).' })
  @IsNumber() @Min(0)
  whisperRate = 20;

  @Option({ group: 'limits', kind: 'int', toml: 'limits.whisper_burst', description: 'Whispers one connection may send at once above whisper_rate.' })
  @IsInt() @Min(1)
  whisperBurst = 40;

  // --- broadcasting ---
  @Option({ group: 'broadcast', kind: 'list', toml: 'broadcast_adapters', description: 'Inbound broadcast adapters (this build: http).' })
  @IsIn(BROADCAST_ADAPTERS as unknown as string[], { each: true })
  broadcastAdapter: string[] = ['http'];

  @Option({ group: 'broadcast', kind: 'string', toml: 'broadcast_key', secret: true, deprecatedNames: ['http_broadcast_secret'], description: 'Bearer key for HTTP broadcasts; defaults to hex HMAC-SHA256(secret, "broadcast-cable").' })
  @IsString()
  broadcastKey = '';

  @Option({ group: 'broadcast', kind: 'string', toml: 'http_broadcast.path', description: 'Path of the HTTP broadcast endpoint.' })
  @IsString() @Matches(/^\//, { message: 'http_broadcast_path must start with /' })
  httpBroadcastPath = '/_broadcast';

  @Option({ group: 'broadcast', kind: 'int', toml: 'http_broadcast.max_body_size', description: 'Largest accepted HTTP broadcast body in bytes (413 beyond).' })
  @IsInt() @Min(1024)
  httpBroadcastMaxBodySize = 4194304;

  // --- jwt (issue 3: JWT identification; options go between these markers) ---
  // `jwtSecret` is `undefined` when unset (falls back to `secret`); the literal
  // `none` is turned into '' by the loader and then means "JWT HMAC disabled".
  @Option({ group: 'jwt', kind: 'string', toml: 'jwt.secret', secret: true, deprecatedNames: ['jwt_id_key'], description: 'HMAC secret for JWT identification; falls back to `secret`; `none` disables.' })
  @IsOptional() @IsString()
  jwtSecret: string | undefined = undefined;

  @Option({ group: 'jwt', kind: 'list', toml: 'jwt.secret_previous', secret: true, description: 'Previous HMAC secret(s), comma-separated or a TOML array, still accepted during a rotation.' })
  @IsString({ each: true })
  jwtSecretPrevious: string[] = [];

  @Option({ group: 'jwt', kind: 'string', toml: 'jwt.param', deprecatedNames: ['jwt_id_param'], description: 'Token parameter: query `?<param>=`, header `X-<PARAM>`.' })
  @IsString() @Matches(/^[A-Za-z0-9_-]+$/, { message: 'jwt_param must be a plain header/query name' })
  jwtParam = 'jid';

  @Option({ group: 'jwt', kind: 'bool', toml: 'jwt.force', deprecatedNames: ['jwt_id_enforce'], description: 'Refuse connections without a token (`unauthorized`) instead of trying the next identifier.' })
  @IsBoolean()
  enforceJwt = false;

  @Option({ group: 'jwt', kind: 'list', toml: 'jwt.algorithms', description: 'Accepted JWT algorithms (HS256/384/512, RS256/384/512, ES256/384, EdDSA). Empty = HS* for a secret plus those of the configured public keys.' })
  @IsIn(JWT_ALGORITHMS as unknown as string[], { each: true })
  jwtAlgorithms: string[] = [];

  @Option({ group: 'jwt', kind: 'number', toml: 'jwt.leeway', description: 'Clock skew allowed when checking `exp` and `nbf`, in seconds.' })
  @IsNumber() @Min(0)
  jwtLeeway = 0;

  @Option({ group: 'jwt', kind: 'bool', toml: 'jwt.require_exp', description: 'Refuse tokens without an `exp` claim.' })
  @IsBoolean()
  jwtRequireExp = false;

  @Option({ group: 'jwt', kind: 'string', toml: 'jwt.public_key', description: 'PEM public key (or a path to one) for RS*, ES* or EdDSA tokens.' })
  @IsString()
  jwtPublicKey = '';

  @Option({ group: 'jwt', kind: 'string', toml: 'jwt.jwks_url', description: 'JWKS (http(s) URL, file:// URL or path) for asymmetric tokens; `kid` selects the key.' })
  @IsString()
  jwtJwksUrl = '';

  @Option({ group: 'jwt', kind: 'int', toml: 'jwt.jwks_refresh', description: 'Seconds between JWKS refreshes (an unknown `kid` also triggers one, at most every 10 s).' })
  @IsInt() @Min(1)
  jwtJwksRefresh = 300;

  @Option({ group: 'jwt', kind: 'bool', toml: 'jwt.single_use', description: 'A token (its `jti`, else its SHA-256) may open one connection only; needs `exp`.' })
  @IsBoolean()
  jwtSingleUse = false;

  @Option({ group: 'jwt', kind: 'string', toml: 'jwt.replay_store', description: 'Where single-use tokens are remembered: memory (this node) or redis (all nodes).' })
  @IsIn(['memory', 'redis'])
  jwtReplayStore: 'memory' | 'redis' = 'memory';

  @Option({ group: 'jwt', kind: 'bool', toml: 'jwt.expire_sessions', description: 'Disconnect a session with `token_expired` when its token expires.' })
  @IsBoolean()
  jwtExpireSessions = false;

  @Option({ group: 'redis', kind: 'string', toml: 'redis.url', envAliases: ['REDIS_URL'], secret: true, description: 'Redis URL (may hold a password, so redacted), default redis://localhost:6379.' })
  @IsString() @Matches(/^(rediss?:\/\/.*)?$/, { message: 'redis_url must start with redis:// or rediss://' })
  redisUrl = 'redis://localhost:6379';
  // --- end jwt ---

  // --- signed streams (issue 4: options go between these markers) ---
  // Secrets are strings; '' means unset (the literal `none` also means unset).
  // `*_previous` options are lists of retired secrets still accepted.
  @Option({ group: 'streams', kind: 'string', toml: 'streams.secret', secret: true, description: 'HMAC key for `$pubsub` `signed_stream_name`; falls back to `secret`.' })
  @IsString()
  streamsSecret = '';

  @Option({ group: 'streams', kind: 'list', toml: 'streams.secret_previous', secret: true, description: 'Previous streams secret(s), comma-separated or a TOML array, still accepted during a key rotation.' })
  @IsString({ each: true })
  streamsSecretPrevious: string[] = [];

  @Option({ group: 'streams', kind: 'bool', toml: 'streams.whisper', description: 'Allow whispers on signed `$pubsub` streams (public streams always allow them).' })
  @IsBoolean()
  streamsWhisper = false;

  @Option({ group: 'streams', kind: 'string', toml: 'streams.digest', description: 'MessageVerifier digest for signed stream names: sha1, sha256, sha384 or sha512 (Turbo, CableReady and AnyCable use sha256).' })
  @IsIn(['sha1', 'sha256', 'sha384', 'sha512'])
  streamsDigest: 'sha1' | 'sha256' | 'sha384' | 'sha512' = 'sha256';

  @Option({ group: 'streams', kind: 'string', toml: 'streams.purpose', description: 'Required Rails metadata purpose (`_rails.pur`) of `$pubsub` signed names; empty = names must carry no purpose.' })
  @IsString()
  streamsPurpose = '';

  @Option({ group: 'streams', kind: 'bool', toml: 'streams.turbo', description: 'Handle `Turbo::StreamsChannel` subscriptions locally (no RPC).' })
  @IsBoolean()
  turboStreams = false;

  @Option({ group: 'streams', kind: 'string', toml: 'streams.turbo_secret', secret: true, description: 'Turbo signed stream verifier key; falls back to the Rails-derived key, then the streams secret.' })
  @IsString()
  turboStreamsSecret = '';

  @Option({ group: 'streams', kind: 'list', toml: 'streams.turbo_secret_previous', secret: true, description: 'Previous Turbo verifier key(s), comma-separated or a TOML array, still accepted during a key rotation.' })
  @IsString({ each: true })
  turboStreamsSecretPrevious: string[] = [];

  @Option({ group: 'streams', kind: 'bool', toml: 'streams.cable_ready', description: 'Handle `CableReady::Stream` subscriptions locally (no RPC).' })
  @IsBoolean()
  cableReady = false;

  @Option({ group: 'streams', kind: 'string', toml: 'streams.cable_ready_secret', secret: true, description: 'CableReady verifier key; falls back to the Rails-derived key, then the streams secret.' })
  @IsString()
  cableReadySecret = '';

  @Option({ group: 'streams', kind: 'list', toml: 'streams.cable_ready_secret_previous', secret: true, description: 'Previous CableReady verifier key(s), comma-separated or a TOML array, still accepted during a key rotation.' })
  @IsString({ each: true })
  cableReadySecretPrevious: string[] = [];

  @Option({ group: 'streams', kind: 'string', toml: 'streams.rails_secret_key_base', secret: true, description: "Rails `secret_key_base`: derives the Turbo and CableReady keys like Rails' key_generator when no explicit key is set." })
  @IsString()
  railsSecretKeyBase = '';

  @Option({ group: 'streams', kind: 'string', toml: 'streams.rails_key_digest', description: 'PBKDF2 digest of the Rails key_generator: sha256 (load_defaults 7.0+) or sha1 (older apps).' })
  @IsIn(['sha1', 'sha256'])
  railsKeyDigest: 'sha1' | 'sha256' = 'sha256';

  @Option({ group: 'streams', kind: 'string', toml: 'streams.turbo_rails_key', secret: true, description: 'Deprecated (AnyCable < 1.5): sets the Turbo key and enables `turbo_streams`.' })
  @IsString()
  turboRailsKey = '';

  @Option({ group: 'streams', kind: 'string', toml: 'streams.cable_ready_key', secret: true, description: 'Deprecated (AnyCable < 1.5): sets the CableReady key and enables `cable_ready`.' })
  @IsString()
  cableReadyKey = '';
  // --- end signed streams ---

  // --- logging ---
  @Option({ group: 'logging', kind: 'string', toml: 'logging.level', description: 'Log level: debug, info, warn, error.' })
  @IsIn(LOG_LEVELS as unknown as string[])
  logLevel: (typeof LOG_LEVELS)[number] = 'info';

  @Option({ group: 'logging', kind: 'string', toml: 'logging.format', description: 'Log format: text or json.' })
  @IsIn(['text', 'json'])
  logFormat: 'text' | 'json' = 'text';

  @Option({ group: 'logging', kind: 'bool', toml: 'logging.debug', description: 'Shorthand for log_level=debug.' })
  @IsBoolean()
  debug = false;
}
