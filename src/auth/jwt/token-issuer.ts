/**
 * Issue identification tokens for cablecar (and anycable-go) from a Node
 * backend: the same shape as anycable-rb `AnyCable::JWT.encode` — header
 * `{"alg":"HS256"}`, payload `{"ext":"<identifiers JSON>","exp":<now+ttl>}`.
 */
import { createHmac, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { ALGORITHM_SPECS, type JwtAlgorithm } from './jwt-algorithms.js';

/** Options of `issueToken`. */
export interface IssueTokenOptions {
  /** Connection identifiers: an object (JSON-encoded here) or an already encoded JSON string (used verbatim). */
  identifiers: Record<string, unknown> | string;
  /** HMAC secret for HS*, or a private key (PEM or KeyObject) for RS, ES and EdDSA. */
  key: string | Buffer | KeyObject;
  /** Lifetime in seconds; 0 = no `exp`. @default 3600 (anycable `jwt_ttl`) */
  ttlSeconds?: number;
  /** @default 'HS256' */
  algorithm?: JwtAlgorithm;
  /** Add a `jti` (`true` = random UUID), e.g. for `jwt_single_use`. */
  jti?: string | true;
  /** `kid` header, for JWKS key selection. */
  kid?: string;
  /** Extra claims (`nbf`, `iss`...). `ext`/`exp`/`jti` set here win. */
  claims?: Record<string, unknown>;
  /** Issue time, ms epoch. @default Date.now() */
  now?: number;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Create a signed token (see file comment). */
export function issueToken(options: IssueTokenOptions): string {
  const algorithm = options.algorithm ?? 'HS256';
  const spec = ALGORITHM_SPECS[algorithm];
  const ttl = options.ttlSeconds ?? 3600;
  const now = Math.floor((options.now ?? Date.now()) / 1000);
  const ext = typeof options.identifiers === 'string' ? options.identifiers : JSON.stringify(options.identifiers);
  JSON.parse(ext); // throws early on identifiers that are not JSON
  const payload: Record<string, unknown> = { ...options.claims, ext };
  if (ttl > 0) payload.exp = now + ttl;
  if (options.jti !== undefined) payload.jti = options.jti === true ? randomUUID() : options.jti;
  const header = options.kid !== undefined ? { alg: algorithm, kid: options.kid } : { alg: algorithm };
  const input = `${b64(header)}.${b64(payload)}`;
  let signature: Buffer;
  if (spec.family === 'hmac') {
    if (typeof options.key !== 'string' && !Buffer.isBuffer(options.key)) throw new Error(`${algorithm} needs a secret string`);
    signature = createHmac(spec.hash, options.key).update(input).digest();
  } else {
    const key = typeof options.key === 'string' || Buffer.isBuffer(options.key) ? createPrivateKey(options.key) : options.key;
    if (spec.family === 'ed25519') signature = sign(null, Buffer.from(input), key);
    else signature = sign(spec.hash, Buffer.from(input), spec.family === 'ec' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  }
  return `${input}.${signature.toString('base64url')}`;
}
