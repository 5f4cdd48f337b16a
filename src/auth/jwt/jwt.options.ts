/**
 * The `jwt` slice's options (anycable cli/options.go, identity/jwt.go: `[jwt]`
 * in anycable.toml) and its capability. The Redis URL of the replay store is
 * not a JWT option: it comes from the shared `redis` slice.
 */
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Min } from 'class-validator';
import { defineCapability } from '../../config/capability.js';
import { Option } from '../../config/option.decorator.js';
import { JWT_ALGORITHMS } from './jwt-algorithms.js';
import { resolveJwtSettings } from './jwt-settings.js';
import { JWT_SETTINGS } from './jwt.tokens.js';

/** Where single-use tokens are remembered. */
export const REPLAY_STORES = ['memory', 'redis'] as const;

/** Options of the `jwt` slice. */
export class JwtOptions {
  // `jwtSecret` is `undefined` when unset (falls back to `secret`); the literal
  // `none` is turned into '' by the loader and then means "JWT HMAC disabled".
  @Option({ kind: 'string', toml: 'jwt.secret', secret: true, deprecatedNames: ['jwt_id_key'], description: 'HMAC secret for JWT identification; falls back to `secret`; `none` disables.' })
  @IsOptional() @IsString()
  jwtSecret: string | undefined = undefined;

  @Option({ kind: 'list', toml: 'jwt.secret_previous', secret: true, description: 'Previous HMAC secret(s), comma-separated or a TOML array, still accepted during a rotation.' })
  @IsString({ each: true })
  jwtSecretPrevious: string[] = [];

  @Option({ kind: 'string', toml: 'jwt.param', deprecatedNames: ['jwt_id_param'], description: 'Token parameter: query `?<param>=`, header `X-<PARAM>`.' })
  @IsString() @Matches(/^[A-Za-z0-9_-]+$/, { message: 'jwt_param must be a plain header/query name' })
  jwtParam = 'jid';

  @Option({ kind: 'bool', toml: 'jwt.force', deprecatedNames: ['jwt_id_enforce'], description: 'Refuse connections without a token (`unauthorized`) instead of trying the next identifier.' })
  @IsBoolean()
  enforceJwt = false;

  @Option({ kind: 'list', toml: 'jwt.algorithms', description: 'Accepted JWT algorithms (HS256/384/512, RS256/384/512, ES256/384, EdDSA). Empty = HS* for a secret plus those of the configured public keys.' })
  @IsIn(JWT_ALGORITHMS as unknown as string[], { each: true })
  jwtAlgorithms: string[] = [];

  @Option({ kind: 'number', toml: 'jwt.leeway', description: 'Clock skew allowed when checking `exp` and `nbf`, in seconds.' })
  @IsNumber() @Min(0)
  jwtLeeway = 0;

  @Option({ kind: 'bool', toml: 'jwt.require_exp', description: 'Refuse tokens without an `exp` claim.' })
  @IsBoolean()
  jwtRequireExp = false;

  @Option({ kind: 'string', toml: 'jwt.public_key', description: 'PEM public key (or a path to one) for RS*, ES* or EdDSA tokens.' })
  @IsString()
  jwtPublicKey = '';

  @Option({ kind: 'string', toml: 'jwt.jwks_url', description: 'JWKS (http(s) URL, file:// URL or path) for asymmetric tokens; `kid` selects the key.' })
  @IsString()
  jwtJwksUrl = '';

  @Option({ kind: 'int', toml: 'jwt.jwks_refresh', description: 'Seconds between JWKS refreshes (an unknown `kid` also triggers one, at most every 10 s).' })
  @IsInt() @Min(1)
  jwtJwksRefresh = 300;

  @Option({ kind: 'bool', toml: 'jwt.single_use', description: 'A token (its `jti`, else its SHA-256) may open one connection only; needs `exp`.' })
  @IsBoolean()
  jwtSingleUse = false;

  @Option({ kind: 'string', toml: 'jwt.replay_store', description: 'Where single-use tokens are remembered: memory (this node) or redis (all nodes).' })
  @IsIn(REPLAY_STORES as unknown as string[])
  jwtReplayStore: (typeof REPLAY_STORES)[number] = 'memory';

  @Option({ kind: 'bool', toml: 'jwt.expire_sessions', description: 'Disconnect a session with `token_expired` when its token expires.' })
  @IsBoolean()
  jwtExpireSessions = false;
}

/** The `jwt` capability: `JwtOptions` resolved into `JwtSettings`, provided as `JWT_SETTINGS`. */
export const jwtCapability = defineCapability({ name: 'jwt', options: JwtOptions, token: JWT_SETTINGS, resolve: resolveJwtSettings });
