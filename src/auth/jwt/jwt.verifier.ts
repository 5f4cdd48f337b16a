/**
 * Verifies an AnyCable identification JWT and returns an outcome value
 * (anycable identity/jwt.go; token format of anycable-rb lib/anycable/jwt.rb).
 *
 * Why Node's `crypto` and not a JWT library: this runs once per connection on
 * the upgrade path; `crypto` does HMAC, RSA, ECDSA and Ed25519 natively with no
 * dependency, and owning the ~100 lines lets the rules that matter be explicit:
 * an allow-list of algorithms, each bound to one key family (no confusion),
 * constant-time HMAC comparison, and a size cap before any parsing.
 */
import { createHmac, timingSafeEqual, verify as verifySignature } from 'node:crypto';
import { ALGORITHM_SPECS, isJwtAlgorithm, keyFitsAlgorithm, type JwtAlgorithm } from './jwt-algorithms.js';
import { entryAllows, NO_PUBLIC_KEYS, type PublicKeyLookup } from './public-keys.js';
import { systemClock, type Clock } from './clock.js';

/** Largest token accepted; longer ones are refused before decoding (8 KiB). */
export const MAX_TOKEN_LENGTH = 8192;

/** The result of verifying one token. */
export type VerifyOutcome =
  /** Signature and claims are good; `identifiers` is the `ext` claim verbatim; `claims` the whole (frozen) payload. */
  | { kind: 'valid'; identifiers: string; expiresAtMs?: number; jti?: string; claims?: Readonly<Record<string, unknown>> }
  /** Signature is good but `exp` has passed. */
  | { kind: 'expired' }
  /** Anything else; `detail` is for logs (never contains the token). `unknownKid` hints a JWKS refresh. */
  | { kind: 'invalid'; detail: string; unknownKid?: boolean };

/** Constant-time byte comparison (`crypto.timingSafeEqual`); lengths are not secret (fixed per algorithm). */
export function safeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Verifier settings. */
export interface JwtVerifierOptions {
  /** Allowed `alg` values. */
  algorithms: ReadonlySet<JwtAlgorithm>;
  /** HMAC secrets: the current one first, then previous ones (rotation). */
  hmacSecrets: readonly Buffer[];
  /** Asymmetric keys. @default none */
  publicKeys?: PublicKeyLookup;
  /** Clock skew allowed on `exp`/`nbf`, ms. @default 0 */
  leewayMs?: number;
  /** Refuse tokens without `exp`. @default false */
  requireExp?: boolean;
  /** @default MAX_TOKEN_LENGTH */
  maxTokenLength?: number;
  /** @default systemClock */
  clock?: Clock;
  /** HMAC comparison. @default safeEqual */
  compare?: (a: Uint8Array, b: Uint8Array) => boolean;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
/** The signature may be empty (`alg: none` tokens); the algorithm check then refuses it with a clear reason. */
const SIGNATURE = /^[A-Za-z0-9_-]*$/;

const invalid = (detail: string, unknownKid?: boolean): VerifyOutcome => ({ kind: 'invalid', detail, ...(unknownKid ? { unknownKid } : {}) });

function decodeJsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const isNumericDate = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

/** See file comment. Plain class: built with `new`, no I/O. */
export class JwtVerifier {
  /** The default comparison, exposed so tests can check it is the constant-time one. */
  static readonly defaultCompare = safeEqual;
  private readonly publicKeys: PublicKeyLookup;
  private readonly leewayMs: number;
  private readonly maxTokenLength: number;
  private readonly clock: Clock;
  private readonly compare: (a: Uint8Array, b: Uint8Array) => boolean;

  constructor(private readonly options: JwtVerifierOptions) {
    this.publicKeys = options.publicKeys ?? NO_PUBLIC_KEYS;
    this.leewayMs = options.leewayMs ?? 0;
    this.maxTokenLength = options.maxTokenLength ?? MAX_TOKEN_LENGTH;
    this.clock = options.clock ?? systemClock;
    this.compare = options.compare ?? JwtVerifier.defaultCompare;
  }

  /** Verify signature, then `exp`/`nbf`, then `ext`. */
  verify(token: string): VerifyOutcome {
    if (token.length > this.maxTokenLength) return invalid(`token longer than ${this.maxTokenLength} characters`);
    const parts = token.split('.');
    if (parts.length !== 3 || !SEGMENT.test(parts[0]) || !SEGMENT.test(parts[1]) || !SIGNATURE.test(parts[2])) {
      return invalid('malformed token (expected three base64url segments)');
    }
    const header = decodeJsonObject(parts[0]);
    if (!header) return invalid('malformed header');
    const alg = header.alg;
    if (!isJwtAlgorithm(alg) || !this.options.algorithms.has(alg)) return invalid(`algorithm ${JSON.stringify(alg)} is not allowed`);
    if (header.crit !== undefined) return invalid('unsupported "crit" header');
    const kid = header.kid;
    if (kid !== undefined && typeof kid !== 'string') return invalid('kid must be a string');

    const signed = Buffer.from(`${parts[0]}.${parts[1]}`, 'ascii');
    const signature = Buffer.from(parts[2], 'base64url');
    // Refuse non-canonical base64url (spare trailing bits set): otherwise one signature has
    // several spellings, and a single-use token keyed by its SHA-256 could be replayed.
    if (signature.toString('base64url') !== parts[2]) return invalid('non-canonical signature encoding');
    const check = this.checkSignature(alg, kid, signed, signature);
    if (check !== true) return check;

    const payload = decodeJsonObject(parts[1]);
    if (!payload) return invalid('malformed payload');
    return this.checkClaims(payload);
  }

  private checkSignature(alg: JwtAlgorithm, kid: string | undefined, signed: Buffer, signature: Buffer): true | VerifyOutcome {
    const spec = ALGORITHM_SPECS[alg];
    if (spec.family === 'hmac') {
      // Only shared secrets, never public keys, verify HS* (no algorithm confusion).
      if (this.options.hmacSecrets.length === 0) return invalid(`no HMAC secret configured for ${alg}`);
      for (const secret of this.options.hmacSecrets) {
        if (this.compare(createHmac(spec.hash, secret).update(signed).digest(), signature)) return true;
      }
      return invalid('bad signature');
    }
    const { keys, unknownKid } = this.publicKeys.candidates(kid);
    const usable = keys.filter((entry) => entryAllows(entry, alg, keyFitsAlgorithm));
    if (usable.length === 0) return invalid(unknownKid ? `unknown kid ${JSON.stringify(kid)}` : `no public key configured for ${alg}`, unknownKid);
    if (spec.family === 'ec' && signature.length !== spec.signatureLength) return invalid('bad signature length');
    for (const { key } of usable) {
      try {
        const ok =
          spec.family === 'ed25519'
            ? verifySignature(null, signed, key, signature)
            : verifySignature(spec.hash, signed, spec.family === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key, signature);
        if (ok) return true;
      } catch {
        // A signature OpenSSL cannot even parse is simply a bad signature.
      }
    }
    return invalid('bad signature', unknownKid);
  }

  private checkClaims(payload: Record<string, unknown>): VerifyOutcome {
    const now = this.clock.now();
    const { exp, nbf, ext, jti } = payload;
    if (exp !== undefined && !isNumericDate(exp)) return invalid('exp is not a number');
    if (nbf !== undefined && !isNumericDate(nbf)) return invalid('nbf is not a number');
    if (exp === undefined && this.options.requireExp) return invalid('exp is required');
    // Expired when now >= exp (+ leeway), as golang-jwt v5 and ruby-jwt decide.
    if (exp !== undefined && now >= exp * 1000 + this.leewayMs) return { kind: 'expired' };
    if (nbf !== undefined && now < nbf * 1000 - this.leewayMs) return invalid('token not valid yet (nbf)');
    if (typeof ext !== 'string') return invalid(ext === undefined ? 'ext claim missing' : 'ext claim is not a string');
    try {
      JSON.parse(ext);
    } catch {
      return invalid('ext claim is not JSON');
    }
    return {
      kind: 'valid',
      identifiers: ext,
      // The token stays acceptable until exp + leeway, so that is when it expires for sessions and replay entries.
      ...(exp !== undefined ? { expiresAtMs: exp * 1000 + this.leewayMs } : {}),
      ...(typeof jti === 'string' && jti !== '' ? { jti } : {}),
      claims: Object.freeze(payload),
    };
  }
}
