/**
 * Rails' `ActiveSupport::MessageVerifier` with the JSON serializer, as used by
 * turbo-rails (`Turbo.signed_stream_verifier`), cable_ready
 * (`CableReady.signed_stream_verifier`) and anycable-rb (`AnyCable::Streams.signed`).
 * Plain TypeScript, no Nest: it runs on every subscribe.
 *
 * Format: `base64(JSON(value)) + "--" + hex HMAC(key, base64 text)`
 * (activesupport/lib/active_support/message_verifier.rb). Differences from
 * anycable-go's utils/message_verifier.go, all deliberate:
 * - both base64 alphabets are accepted (anycable-rb signs URL-safe, Rails strict);
 * - the digest is located by its length from the end (Rails 7.1), not by splitting on `--`;
 * - Rails metadata envelopes (`{"_rails":{...}}`, 7.1 `data` and legacy `message`
 *   forms) are unwrapped, with `exp` and `pur` checked as Rails does
 *   (activesupport/lib/active_support/messages/metadata.rb);
 * - several keys may be configured (rotation): the first that matches wins.
 */
import { isUtf8 } from 'node:buffer';
import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { SignedStreamVerifier, StreamVerification } from '../channels/stream-verifier.js';

/** Digests a verifier can use (Rails' `digest:` option, lower-case). */
export const VERIFIER_DIGESTS = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
/** One of `VERIFIER_DIGESTS`. */
export type VerifierDigest = (typeof VERIFIER_DIGESTS)[number];

/** Hex length of each digest: the signature is found this many characters from the end. */
const HEX_LENGTH: Record<VerifierDigest, number> = { sha1: 40, sha256: 64, sha384: 96, sha512: 128 };
const SEPARATOR = '--';
const STRICT_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const URLSAFE_BASE64 = /^[A-Za-z0-9_-]*={0,2}$/;

/** A key as configured (UTF-8 text) or derived (raw bytes from the Rails key generator). */
export type VerifierKey = string | Buffer;

/** How a verifier is set up. */
export interface MessageVerifierOptions {
  /** Current key first, then retired keys still accepted. At least one. */
  keys: readonly VerifierKey[];
  /** HMAC digest. @default 'sha256' */
  digest?: VerifierDigest;
  /** Required `_rails.pur`; unset means the message must carry no purpose (Rails semantics). */
  purpose?: string;
  /** Clock for `_rails.exp`, ms since the epoch. @default Date.now */
  now?: () => number;
}

/** Outcome of verifying a signed message: the decoded value, or why it was refused. */
export type VerifiedValue = { kind: 'verified'; value: unknown } | { kind: 'invalid'; reason: string };

/** See file comment. */
export class MessageVerifier implements SignedStreamVerifier {
  /** The keys as KeyObjects, made once: an HMAC from a string key converts and copies it on every call. */
  private readonly keys: readonly KeyObject[];
  private readonly digest: VerifierDigest;
  private readonly hexLength: number;
  private readonly purpose: string | undefined;
  private readonly now: () => number;

  constructor(options: MessageVerifierOptions) {
    if (options.keys.length === 0 || options.keys.some((k) => k.length === 0)) {
      throw new Error('MessageVerifier needs at least one non-empty key');
    }
    this.keys = options.keys.map((key) => createSecretKey(typeof key === 'string' ? Buffer.from(key, 'utf8') : key));
    this.digest = options.digest ?? 'sha256';
    this.hexLength = HEX_LENGTH[this.digest];
    this.purpose = options.purpose || undefined;
    this.now = options.now ?? Date.now;
  }

  /** Verify a signed stream name: the decoded value must be a JSON string. */
  verify(signed: string): StreamVerification {
    const result = this.verifyValue(signed);
    if (result.kind === 'invalid') return result;
    if (typeof result.value !== 'string') return { kind: 'invalid', reason: `signed value is ${describe(result.value)}, not a string` };
    return { kind: 'verified', stream: result.value };
  }

  /** Verify the signature and decode the value (any JSON), unwrapping a metadata envelope. */
  verifyValue(signed: string): VerifiedValue {
    const split = this.split(signed);
    if (split.kind === 'invalid') return split;
    const { data, digest } = split;
    if (!this.matchesAnyKey(data, digest)) return { kind: 'invalid', reason: 'signature mismatch' };
    const json = decodeBase64Json(data);
    if (json.kind === 'invalid') return json;
    return this.unwrap(json.value);
  }

  /** Sign `value` as Rails does (strict base64, or URL-safe like `AnyCable::Streams.signed`). Uses the current key. */
  generate(value: unknown, options: { urlSafe?: boolean } = {}): string {
    const json = Buffer.from(JSON.stringify(value), 'utf8');
    const data = options.urlSafe ? json.toString('base64').replace(/\+/g, '-').replace(/\//g, '_') : json.toString('base64');
    return `${data}${SEPARATOR}${this.hmac(this.keys[0], data)}`;
  }

  private split(signed: string): { kind: 'ok'; data: string; digest: string } | { kind: 'invalid'; reason: string } {
    // Rails 7.1 message_verifier.rb: the digest has a fixed length, so find it from the end;
    // `--` inside the data (impossible in base64, but cheap to be exact about) cannot confuse us.
    const sepAt = signed.length - this.hexLength - SEPARATOR.length;
    if (sepAt < 1 || signed.slice(sepAt, sepAt + SEPARATOR.length) !== SEPARATOR) {
      return { kind: 'invalid', reason: 'not a signed message (no data--digest)' };
    }
    return { kind: 'ok', data: signed.slice(0, sepAt), digest: signed.slice(sepAt + SEPARATOR.length) };
  }

  private hmac(key: KeyObject, data: string): string {
    return createHmac(this.digest, key).update(data).digest('hex');
  }

  /**
   * Whether `digest` is the HMAC of `data` under one of the keys: a constant-time comparison of the
   * hex digests (Rails `secure_compare`, case-sensitive). The given digest is copied into bytes once.
   */
  private matchesAnyKey(data: string, digest: string): boolean {
    // split() cut the digest at the digest's hex length, so lengths match; latin1 keeps a non-ASCII
    // character one byte, so the lengths still match and it simply differs.
    const given = Buffer.from(digest, 'latin1');
    for (const key of this.keys) {
      const expected = Buffer.from(this.hmac(key, data), 'latin1');
      if (expected.length === given.length && timingSafeEqual(expected, given)) return true;
    }
    return false;
  }

  /** Apply the Rails metadata envelope rules; plain values pass only when no purpose is required. */
  private unwrap(value: unknown): VerifiedValue {
    const meta = railsMetadata(value);
    if (!meta) {
      if (this.purpose !== undefined) return { kind: 'invalid', reason: 'a purpose is required but the message has no metadata' };
      return { kind: 'verified', value };
    }
    if (meta.exp !== undefined && meta.exp !== null) {
      const expiresAt = typeof meta.exp === 'string' ? Date.parse(meta.exp) : NaN;
      if (Number.isNaN(expiresAt)) return { kind: 'invalid', reason: 'metadata exp is not a timestamp' };
      if (this.now() >= expiresAt) return { kind: 'invalid', reason: 'expired' };
    }
    const purpose = meta.pur === undefined || meta.pur === null ? undefined : String(meta.pur);
    if (purpose !== this.purpose) return { kind: 'invalid', reason: 'purpose mismatch' };
    if ('data' in meta) return { kind: 'verified', value: meta.data };
    if (typeof meta.message === 'string') return decodeBase64Json(meta.message);
    return { kind: 'invalid', reason: 'metadata envelope without data' };
  }
}

/** The `_rails` hash when `value` is a metadata envelope (`{"_rails":{...}}`, nothing else). */
function railsMetadata(value: unknown): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== '_rails') return undefined;
  const meta = (value as { _rails: unknown })._rails;
  return meta !== null && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
}

/** Decode base64 (either alphabet, not mixed; padding optional) then UTF-8 then JSON. */
function decodeBase64Json(data: string): VerifiedValue {
  const strict = STRICT_BASE64.test(data);
  if (!strict && !URLSAFE_BASE64.test(data)) return { kind: 'invalid', reason: 'data is not base64' };
  if (unpaddedLength(data) % 4 === 1) return { kind: 'invalid', reason: 'data is not base64' };
  const bytes = Buffer.from(data, strict ? 'base64' : 'base64url');
  // why isUtf8 + toString rather than a fatal TextDecoder: the same strictness, without the decoder's per-call overhead.
  if (!isUtf8(bytes)) return { kind: 'invalid', reason: 'data is not UTF-8' };
  // A leading byte order mark is dropped, as TextDecoder (used before) drops it.
  const text = bytes.toString('utf8', bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  try {
    return { kind: 'verified', value: JSON.parse(text) };
  } catch {
    return { kind: 'invalid', reason: 'data is not JSON' };
  }
}

/** Length of base64 `data` without its trailing `=` padding. */
function unpaddedLength(data: string): number {
  let end = data.length;
  while (end > 0 && data.charCodeAt(end - 1) === 0x3d) end--;
  return end;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
