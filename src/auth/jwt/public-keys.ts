/**
 * Public keys for asymmetric JWTs: a PEM from `jwt_public_key` and/or the keys
 * of a JWKS. The verifier asks for the candidates of a token's `kid`.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { algorithmsForKey, type JwtAlgorithm } from './jwt-algorithms.js';

/** One verification key and the JWK metadata that restricts it. */
export interface PublicKeyEntry {
  readonly key: KeyObject;
  /** JWK `kid`; undefined for a PEM key (it matches any token). */
  readonly kid?: string;
  /** JWK `alg`, when the JWKS pins one. */
  readonly alg?: string;
}

/** Keys to try for one token, and whether its `kid` matched nothing (a hint to refresh the JWKS). */
export interface KeyCandidates {
  readonly keys: readonly PublicKeyEntry[];
  readonly unknownKid: boolean;
}

/** Where the verifier finds public keys. */
export interface PublicKeyLookup {
  candidates(kid: string | undefined): KeyCandidates;
}

/** No asymmetric keys configured. */
export const NO_PUBLIC_KEYS: PublicKeyLookup = { candidates: () => ({ keys: [], unknownKid: false }) };

/** Something that holds a changing key list (the JWKS source). */
export interface KeyProvider {
  keys(): readonly PublicKeyEntry[];
}

/**
 * Static PEM keys plus an optional JWKS provider. A `kid` selects JWKS keys
 * with that `kid`; kid-less PEM keys are always tried.
 */
export class PublicKeySet implements PublicKeyLookup {
  constructor(
    private readonly pem: readonly PublicKeyEntry[],
    private readonly jwks?: KeyProvider,
  ) {}

  candidates(kid: string | undefined): KeyCandidates {
    const dynamic = this.jwks?.keys() ?? [];
    if (kid === undefined) return { keys: [...this.pem, ...dynamic], unknownKid: false };
    const matching = dynamic.filter((entry) => entry.kid === kid);
    return { keys: [...this.pem, ...matching], unknownKid: this.jwks !== undefined && matching.length === 0 };
  }
}

/** Result of parsing a PEM or JWKS: usable keys and why others were skipped. */
export interface ParsedKeys {
  keys: PublicKeyEntry[];
  skipped: string[];
}

/** Parse a PEM public key (a private key PEM yields its public half). */
export function parsePemPublicKey(pem: string): PublicKeyEntry {
  const key = createPublicKey(pem);
  if (algorithmsForKey(key).length === 0) {
    throw new Error(`unsupported key type ${key.asymmetricKeyType}${key.asymmetricKeyDetails?.namedCurve ? ` (${key.asymmetricKeyDetails.namedCurve})` : ''}; use RSA >= 2048 bits, EC P-256/P-384 or Ed25519`);
  }
  return { key };
}

/**
 * Parse a JWKS document (RFC 7517 §5). Symmetric (`oct`) keys are skipped on
 * purpose: a JWKS is public, so a shared secret in it must never verify anything.
 */
export function parseJwks(text: string): ParsedKeys {
  const doc = JSON.parse(text) as { keys?: unknown };
  if (!doc || typeof doc !== 'object' || !Array.isArray(doc.keys)) throw new Error('JWKS must be an object with a "keys" array');
  const result: ParsedKeys = { keys: [], skipped: [] };
  doc.keys.forEach((jwk: Record<string, unknown>, index) => {
    const label = typeof jwk?.kid === 'string' ? `kid ${jwk.kid}` : `key #${index}`;
    if (!jwk || typeof jwk !== 'object') return result.skipped.push(`${label}: not an object`);
    if (jwk.kty === 'oct') return result.skipped.push(`${label}: symmetric keys are not accepted from a JWKS`);
    if (jwk.use !== undefined && jwk.use !== 'sig') return result.skipped.push(`${label}: use is not "sig"`);
    if (jwk.d !== undefined) return result.skipped.push(`${label}: private key material in a JWKS is refused`);
    try {
      const key = createPublicKey({ key: jwk as never, format: 'jwk' });
      if (algorithmsForKey(key).length === 0) return result.skipped.push(`${label}: unsupported key type`);
      result.keys.push({ key, kid: typeof jwk.kid === 'string' ? jwk.kid : undefined, alg: typeof jwk.alg === 'string' ? jwk.alg : undefined });
    } catch (error) {
      result.skipped.push(`${label}: ${(error as Error).message}`);
    }
  });
  return result;
}

/** Whether an entry may verify `alg` (JWK `alg` pin, then key type). */
export function entryAllows(entry: PublicKeyEntry, alg: JwtAlgorithm, fits: (key: KeyObject, alg: JwtAlgorithm) => boolean): boolean {
  return (entry.alg === undefined || entry.alg === alg) && fits(entry.key, alg);
}
