/**
 * The JWT algorithms cablecar verifies and the key each one needs. Keeping the
 * key family beside the algorithm is what rules out algorithm confusion: an
 * HMAC secret is only ever used for `HS*`, a public key only for its own family
 * (RFC 8725 §2.1, §3.1).
 */
import type { KeyObject } from 'node:crypto';

/** JWT algorithms cablecar can verify (`none` is never accepted); also the values `jwt_algorithms` accepts. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'] as const;

/** A supported `alg` header value (`none` is deliberately absent). */
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/** How an algorithm verifies: HMAC with a shared secret, or a signature with a public key. */
export type AlgorithmSpec =
  | { family: 'hmac'; hash: 'sha256' | 'sha384' | 'sha512' }
  | { family: 'rsa'; hash: 'sha256' | 'sha384' | 'sha512' }
  | { family: 'ec'; hash: 'sha256' | 'sha384'; curve: 'prime256v1' | 'secp384r1'; signatureLength: number }
  | { family: 'ed25519' };

/** Algorithm table (RFC 7518 §3.1, RFC 8037 §3.1). */
export const ALGORITHM_SPECS: Readonly<Record<JwtAlgorithm, AlgorithmSpec>> = {
  HS256: { family: 'hmac', hash: 'sha256' },
  HS384: { family: 'hmac', hash: 'sha384' },
  HS512: { family: 'hmac', hash: 'sha512' },
  RS256: { family: 'rsa', hash: 'sha256' },
  RS384: { family: 'rsa', hash: 'sha384' },
  RS512: { family: 'rsa', hash: 'sha512' },
  // ECDSA signatures in a JWS are the raw r||s concatenation (RFC 7518 §3.4), not DER.
  ES256: { family: 'ec', hash: 'sha256', curve: 'prime256v1', signatureLength: 64 },
  ES384: { family: 'ec', hash: 'sha384', curve: 'secp384r1', signatureLength: 96 },
  EdDSA: { family: 'ed25519' },
};

/** HMAC algorithms, the AnyCable default. */
export const HMAC_ALGORITHMS: readonly JwtAlgorithm[] = ['HS256', 'HS384', 'HS512'];

/** Whether `alg` is one cablecar knows (own-property check: `alg` comes from the token). */
export function isJwtAlgorithm(alg: unknown): alg is JwtAlgorithm {
  return typeof alg === 'string' && Object.prototype.hasOwnProperty.call(ALGORITHM_SPECS, alg);
}

/** Smallest RSA modulus accepted (RFC 7518 §3.3 requires 2048 bits). */
export const MIN_RSA_BITS = 2048;

/** Whether a public key can verify `alg`: right key type, right curve, big enough. */
export function keyFitsAlgorithm(key: KeyObject, alg: JwtAlgorithm): boolean {
  if (key.type !== 'public') return false;
  const spec = ALGORITHM_SPECS[alg];
  switch (spec.family) {
    case 'hmac':
      return false;
    case 'rsa':
      return key.asymmetricKeyType === 'rsa' && (key.asymmetricKeyDetails?.modulusLength ?? 0) >= MIN_RSA_BITS;
    case 'ec':
      return key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === spec.curve;
    case 'ed25519':
      return key.asymmetricKeyType === 'ed25519';
  }
}

/** The asymmetric algorithms a public key can verify (empty if none). */
export function algorithmsForKey(key: KeyObject): JwtAlgorithm[] {
  return (Object.keys(ALGORITHM_SPECS) as JwtAlgorithm[]).filter((alg) => keyFitsAlgorithm(key, alg));
}
