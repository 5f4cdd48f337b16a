/**
 * The JWT slice of the config, resolved once at boot: the `secret` fallback,
 * `none`, the PEM key, and the effective algorithm allow-list. Also the
 * cross-field rules reported by `loadConfig` (`jwtConfigProblems`).
 */
import { existsSync, readFileSync } from 'node:fs';
import type { CableConfig } from '../../config/cable-config.js';
import { algorithmsForKey, HMAC_ALGORITHMS, isJwtAlgorithm, type JwtAlgorithm } from './jwt-algorithms.js';
import { parsePemPublicKey, type PublicKeyEntry } from './public-keys.js';
import { MAX_TOKEN_LENGTH } from './jwt.verifier.js';

/** Everything the JWT identifier needs, derived from `CableConfig`. */
export interface JwtSettings {
  /** True iff a secret, a public key or a JWKS is configured. */
  enabled: boolean;
  param: string;
  enforce: boolean;
  /** Current secret first, then `jwt_secret_previous` ones. */
  hmacSecrets: Buffer[];
  pemKeys: PublicKeyEntry[];
  /** `jwt_jwks_url` or '' */
  jwksLocation: string;
  jwksRefreshMs: number;
  algorithms: ReadonlySet<JwtAlgorithm>;
  leewayMs: number;
  requireExp: boolean;
  singleUse: boolean;
  replayStore: 'memory' | 'redis';
  redisUrl: string;
  expireSessions: boolean;
  maxTokenLength: number;
}

/** Asymmetric algorithms a JWKS may use (its keys are unknown at boot). */
const JWKS_ALGORITHMS: readonly JwtAlgorithm[] = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'];

type JwtConfigSlice = Pick<
  CableConfig,
  | 'secret' | 'jwtSecret' | 'jwtSecretPrevious' | 'jwtParam' | 'enforceJwt' | 'jwtAlgorithms' | 'jwtLeeway' | 'jwtRequireExp'
  | 'jwtPublicKey' | 'jwtJwksUrl' | 'jwtJwksRefresh' | 'jwtSingleUse' | 'jwtReplayStore' | 'redisUrl' | 'jwtExpireSessions'
>;

/** The HMAC secret in effect: `jwt_secret`, else `secret`; '' (from the literal `none`) disables. */
export function effectiveJwtSecret(config: Pick<CableConfig, 'secret' | 'jwtSecret'>): string {
  return config.jwtSecret ?? config.secret;
}

/** Read `jwt_public_key`: inline PEM, or a path to a PEM file. */
function readPem(value: string): string {
  return value.includes('-----BEGIN') ? value.replace(/\\n/g, '\n') : readFileSync(value, 'utf8');
}

/** Resolve the settings, or list what is wrong with them. */
export function resolveJwtSettings(config: JwtConfigSlice): { settings: JwtSettings; problems: string[] } {
  const problems: string[] = [];
  const current = effectiveJwtSecret(config);
  const previous = config.jwtSecretPrevious.filter(Boolean);
  const hmacSecrets = [current, ...previous].filter(Boolean).map((s) => Buffer.from(s, 'utf8'));
  if (!current && previous.length > 0) problems.push('jwt_secret_previous: set, but there is no current jwt_secret (or secret)');

  const pemKeys: PublicKeyEntry[] = [];
  if (config.jwtPublicKey) {
    try {
      pemKeys.push(parsePemPublicKey(readPem(config.jwtPublicKey)));
    } catch (error) {
      problems.push(`jwt_public_key: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const jwksLocation = config.jwtJwksUrl;
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
  const listed = config.jwtAlgorithms.filter(isJwtAlgorithm);
  const algorithms = new Set(listed.length > 0 ? listed.filter((alg) => available.has(alg)) : available);
  if (enabled && listed.length > 0 && algorithms.size === 0) {
    problems.push(`jwt_algorithms: none of ${listed.join(',')} can be verified with the configured keys`);
  }
  if (config.jwtSingleUse && config.jwtReplayStore === 'redis' && !config.redisUrl) problems.push('jwt_replay_store: redis needs redis_url');
  if (config.enforceJwt && !enabled) problems.push('enforce_jwt: needs jwt_secret (or secret), jwt_public_key or jwt_jwks_url');

  return {
    problems,
    settings: {
      enabled,
      param: config.jwtParam,
      enforce: config.enforceJwt,
      hmacSecrets,
      pemKeys,
      jwksLocation,
      jwksRefreshMs: config.jwtJwksRefresh * 1000,
      algorithms,
      leewayMs: config.jwtLeeway * 1000,
      requireExp: config.jwtRequireExp,
      singleUse: config.jwtSingleUse,
      replayStore: config.jwtReplayStore,
      redisUrl: config.redisUrl,
      expireSessions: config.jwtExpireSessions,
      maxTokenLength: MAX_TOKEN_LENGTH,
    },
  };
}

/** Cross-field rules for `loadConfig`. */
export function jwtConfigProblems(config: JwtConfigSlice): string[] {
  return resolveJwtSettings(config).problems;
}
