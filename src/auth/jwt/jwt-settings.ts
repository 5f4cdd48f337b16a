/**
 * The `jwt` slice resolved once at boot: the `secret` fallback, `none`, the PEM
 * key (read here, once), the JWKS location and the effective algorithm
 * allow-list, plus the cross-field rules, reported with every other problem.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Resolved, SharedSettings } from '../../config/capability.js';
import { algorithmsForKey, HMAC_ALGORITHMS, isJwtAlgorithm, type JwtAlgorithm } from './jwt-algorithms.js';
import { parsePemPublicKey, type PublicKeyEntry } from './public-keys.js';
import type { JwtOptions } from './jwt.options.js';
import { MAX_TOKEN_LENGTH } from './jwt.verifier.js';

/** Everything the JWT identifier needs, resolved from `JwtOptions` and the shared `secret`. */
export interface JwtSettings {
  /** True iff a secret, a public key or a JWKS is configured. */
  readonly enabled: boolean;
  readonly param: string;
  readonly enforce: boolean;
  /** Current secret first, then `jwt_secret_previous` ones. */
  readonly hmacSecrets: readonly Buffer[];
  readonly pemKeys: readonly PublicKeyEntry[];
  /** `jwt_jwks_url` or '' */
  readonly jwksLocation: string;
  readonly jwksRefreshMs: number;
  readonly algorithms: ReadonlySet<JwtAlgorithm>;
  readonly leewayMs: number;
  readonly requireExp: boolean;
  readonly singleUse: boolean;
  /** Where single-use tokens are remembered; `redis` uses the shared `redis` slice's URL. */
  readonly replayStore: 'memory' | 'redis';
  readonly expireSessions: boolean;
  readonly maxTokenLength: number;
}

/** Asymmetric algorithms a JWKS may use (its keys are unknown at boot). */
const JWKS_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'];

/** The HMAC secret in effect: `jwt_secret`, else the shared `secret`; '' (from the literal `none`) disables. */
export function effectiveJwtSecret(options: Pick<JwtOptions, 'jwtSecret'>, shared: Pick<SharedSettings, 'app'>): string {
  return options.jwtSecret ?? shared.app.secret;
}

/** Read `jwt_public_key`: inline PEM, or a path to a PEM file. */
function readPem(value: string): string {
  return value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : readFileSync(value, 'utf8');
}

/** Resolve the settings and list what is wrong with them (the PEM file is read here, once). */
export function resolveJwtSettings(options: Readonly<JwtOptions>, shared: SharedSettings): Resolved<JwtSettings, JwtOptions> {
  const problems: string[] = [];
  const current = effectiveJwtSecret(options, shared);
  const previous = options.jwtSecretPrevious.filter(Boolean);
  const hmacSecrets = [current, ...previous].filter(Boolean).map((s) => Buffer.from(s, 'utf8'));
  if (!current && previous.length > 0) problems.push('jwt_secret_previous: set, but there is no current jwt_secret (or secret)');

  const pemKeys: PublicKeyEntry[] = [];
  if (options.jwtPublicKey) {
    try {
      pemKeys.push(parsePemPublicKey(readPem(options.jwtPublicKey)));
    } catch (error) {
      problems.push(`jwt_public_key: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const jwksLocation = options.jwtJwksUrl;
  if (jwksLocation && !/^https?:\/\//i.test(jwksLocation)) {
    const path = jwksLocation.startsWith('file://') ? new URL(jwksLocation).pathname : jwksLocation;
    if (!existsSync(path)) problems.push(`jwt_jwks_url: file ${path} does not exist`);
  }

  const available = new Set<JwtAlgorithm>([
    ...(hmacSecrets.length > 0 ? HMAC_ALGORITHMS : []),
    ...pemKeys.flatMap((entry) => algorithmsForKey(entry.key)),
    ...(jwksLocation ? JWKS_ALGORITHMS : []),
  ]);
  const enabled = hmacSecrets.length > 0 || pemKeys.length > 0 || jwksLocation !== '';
  const listed = options.jwtAlgorithms.filter(isJwtAlgorithm);
  const algorithms = new Set(listed.length > 0 ? listed.filter((alg) => available.has(alg)) : available);
  if (enabled && listed.length > 0 && algorithms.size === 0) {
    problems.push(`jwt_algorithms: none of ${listed.join(',')} can be verified with the configured keys`);
  }
  if (options.jwtSingleUse && options.jwtReplayStore === 'redis' && !shared.redis.url) problems.push('jwt_replay_store: redis needs redis_url');
  if (options.enforceJwt && !enabled) problems.push('enforce_jwt: needs jwt_secret (or secret), jwt_public_key or jwt_jwks_url');

  return {
    problems,
    warnings: [],
    settings: {
      enabled,
      param: options.jwtParam,
      enforce: options.enforceJwt,
      hmacSecrets,
      pemKeys,
      jwksLocation,
      jwksRefreshMs: options.jwtJwksRefresh * 1000,
      algorithms,
      leewayMs: options.jwtLeeway * 1000,
      requireExp: options.jwtRequireExp,
      singleUse: options.jwtSingleUse,
      replayStore: options.jwtReplayStore,
      expireSessions: options.jwtExpireSessions,
      maxTokenLength: MAX_TOKEN_LENGTH,
    },
  };
}
