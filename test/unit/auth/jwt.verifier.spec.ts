import { createHmac, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HMAC_ALGORITHMS, type JwtAlgorithm } from '../../../src/auth/jwt/jwt-algorithms.js';
import { JwtVerifier, MAX_TOKEN_LENGTH, safeEqual, type JwtVerifierOptions } from '../../../src/auth/jwt/jwt.verifier.js';
import { parseJwks, parsePemPublicKey, PublicKeySet } from '../../../src/auth/jwt/public-keys.js';
import { fixtures, JWT_FIXTURES, keyFile, vector } from './jwt-fixtures.js';

const ALL: JwtAlgorithm[] = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'EdDSA'];
const NOW = Date.UTC(2030, 0, 1);
const clock = { now: () => NOW };

const hmacVerifier = (extra: Partial<JwtVerifierOptions> = {}) =>
  new JwtVerifier({ algorithms: new Set(HMAC_ALGORITHMS), hmacSecrets: [Buffer.from(fixtures.secret)], clock, ...extra });

const jwks = () => parseJwks(readFileSync(join(JWT_FIXTURES, 'jwks.json'), 'utf8')).keys;

describe('JwtVerifier with an HMAC secret (ruby-jwt vectors)', () => {
  const verifier = hmacVerifier();

  it.each(fixtures.cases.filter((c) => c.expect === 'valid' && c.name.startsWith('HS')).map((c) => [c.name, c]))('accepts %s and returns ext verbatim', (_name, c) => {
    const outcome = verifier.verify(c.token);
    expect(outcome).toEqual({ kind: 'valid', identifiers: c.identifiers, expiresAtMs: fixtures.far_future * 1000, ...(c.jti ? { jti: c.jti } : {}), claims: expect.objectContaining({ ext: c.identifiers }) });
  });

  it('keeps non-ASCII and escaped identifiers byte for byte', () => {
    const c = vector('HS256 valid, GlobalID identifiers kept byte for byte');
    const outcome = verifier.verify(c.token);
    expect(outcome.kind === 'valid' && outcome.identifiers).toBe(c.identifiers);
    expect(c.identifiers).toContain('\\u003c3');
  });

  it('reports an expired token as expired, not invalid', () => {
    expect(verifier.verify(vector('HS256 expired').token)).toEqual({ kind: 'expired' });
  });

  it.each(fixtures.cases.filter((c) => c.expect === 'unauthorized' && !/^(RS|ES|Ed)/.test(c.name)).map((c) => [c.name, c]))('refuses %s', (_name, c) => {
    expect(verifier.verify(c.token)).toMatchObject({ kind: 'invalid' });
  });

  it('checks the signature before the claims (an expired forgery is invalid, not expired)', () => {
    expect(verifier.verify(vector('HS256 expired and wrong secret').token)).toMatchObject({ kind: 'invalid', detail: 'bad signature' });
  });

  it('gives specific reasons for each refusal', () => {
    expect(verifier.verify(vector('alg none').token)).toMatchObject({ detail: 'algorithm "none" is not allowed' });
    expect(verifier.verify(vector('HS256 nbf in the future').token)).toMatchObject({ detail: 'token not valid yet (nbf)' });
    expect(verifier.verify(vector('HS256 ext missing').token)).toMatchObject({ detail: 'ext claim missing' });
    expect(verifier.verify(vector('HS256 ext not a string').token)).toMatchObject({ detail: 'ext claim is not a string' });
    expect(verifier.verify(vector('HS256 ext not JSON').token)).toMatchObject({ detail: 'ext claim is not JSON' });
    expect(verifier.verify(vector('HS256 exp not a number').token)).toMatchObject({ detail: 'exp is not a number' });
    expect(verifier.verify(vector('HS256 tampered payload').token)).toMatchObject({ detail: 'bad signature' });
  });

  it('accepts tokens without exp unless jwt_require_exp', () => {
    const c = vector('HS256 without exp');
    expect(verifier.verify(c.token)).toEqual({ kind: 'valid', identifiers: c.identifiers, claims: { ext: c.identifiers } });
    expect(hmacVerifier({ requireExp: true }).verify(c.token)).toEqual({ kind: 'invalid', detail: 'exp is required' });
  });

  it('refuses algorithms missing from the allow-list', () => {
    const only256 = hmacVerifier({ algorithms: new Set<JwtAlgorithm>(['HS256']) });
    expect(only256.verify(vector('HS256 valid').token).kind).toBe('valid');
    expect(only256.verify(vector('HS512 valid').token)).toEqual({ kind: 'invalid', detail: 'algorithm "HS512" is not allowed' });
  });

  it('accepts a previous secret during rotation, and only when configured', () => {
    const token = vector('HS256 signed with the previous secret').token;
    expect(verifier.verify(token).kind).toBe('invalid');
    const rotating = hmacVerifier({ hmacSecrets: [Buffer.from(fixtures.secret), Buffer.from(fixtures.previous_secret)] });
    expect(rotating.verify(token).kind).toBe('valid');
    expect(rotating.verify(vector('HS256 valid').token).kind).toBe('valid');
  });

  it('refuses oversized tokens before decoding them', () => {
    const huge = 'a'.repeat(MAX_TOKEN_LENGTH) + '.b.c';
    expect(verifier.verify(huge)).toEqual({ kind: 'invalid', detail: `token longer than ${MAX_TOKEN_LENGTH} characters` });
    const payload = Buffer.from(JSON.stringify({ ext: JSON.stringify({ pad: 'x'.repeat(MAX_TOKEN_LENGTH) }), exp: fixtures.far_future })).toString('base64url');
    const header = Buffer.from('{"alg":"HS256"}').toString('base64url');
    const signed = `${header}.${payload}.${createHmac('sha256', fixtures.secret).update(`${header}.${payload}`).digest('base64url')}`;
    expect(verifier.verify(signed).kind).toBe('invalid');
  });

  it('refuses malformed segments, JSON that is not an object, and crit headers', () => {
    const sign = (header: string, payload: string) => {
      const input = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
      return `${input}.${createHmac('sha256', fixtures.secret).update(input).digest('base64url')}`;
    };
    expect(verifier.verify(sign('{"alg":"HS256"}', '[1,2]'))).toEqual({ kind: 'invalid', detail: 'malformed payload' });
    expect(verifier.verify(sign('"HS256"', '{}'))).toEqual({ kind: 'invalid', detail: 'malformed header' });
    expect(verifier.verify(sign('{"alg":"HS256","crit":["exp"]}', '{"ext":"{}"}'))).toEqual({ kind: 'invalid', detail: 'unsupported "crit" header' });
    expect(verifier.verify(sign('{"alg":"HS256"}', '{"ext":"{}"}') + '=')).toMatchObject({ kind: 'invalid' });
    expect(verifier.verify('a.b.c.d')).toMatchObject({ kind: 'invalid' });
    expect(verifier.verify('..')).toMatchObject({ kind: 'invalid' });
    expect(verifier.verify(sign('{"alg":"toString"}', '{"ext":"{}"}'))).toEqual({ kind: 'invalid', detail: 'algorithm "toString" is not allowed' });
  });

  it('refuses a signature spelled with non-canonical base64url (same bytes, different token)', () => {
    const token = vector('HS256 valid').token;
    const last = token.at(-1)!;
    // HS256 signatures are 32 bytes = 43 chars; the last char carries 2 spare bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const twin = token.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(Buffer.from(twin.split('.')[2], 'base64url')).toEqual(Buffer.from(token.split('.')[2], 'base64url'));
    expect(verifier.verify(twin)).toEqual({ kind: 'invalid', detail: 'non-canonical signature encoding' });
  });

  it('applies jwt_leeway to exp and nbf', () => {
    const expired = vector('HS256 expired').token; // exp = past
    const justAfter = { now: () => fixtures.past * 1000 + 1500 };
    expect(hmacVerifier({ clock: justAfter }).verify(expired)).toEqual({ kind: 'expired' });
    expect(hmacVerifier({ clock: justAfter, leewayMs: 2000 }).verify(expired)).toMatchObject({ kind: 'valid', expiresAtMs: fixtures.past * 1000 + 2000 });
    expect(hmacVerifier({ clock: { now: () => fixtures.past * 1000 - 1 } }).verify(expired).kind).toBe('valid');
    expect(hmacVerifier({ clock: { now: () => fixtures.past * 1000 } }).verify(expired)).toEqual({ kind: 'expired' });

    const c = vector('HS256 nbf in the future');
    const beforeNbf = { now: () => c.nbf! * 1000 - 1000 };
    expect(hmacVerifier({ clock: beforeNbf }).verify(c.token).kind).toBe('invalid');
    expect(hmacVerifier({ clock: beforeNbf, leewayMs: 1000 }).verify(c.token).kind).toBe('valid');
  });

  it('compares HMAC signatures with the constant-time comparison', () => {
    expect(JwtVerifier.defaultCompare).toBe(safeEqual);
    const calls: [Uint8Array, Uint8Array][] = [];
    const spying = hmacVerifier({
      hmacSecrets: [Buffer.from('first'), Buffer.from(fixtures.secret)],
      compare: (a, b) => (calls.push([a, b]), safeEqual(a, b)),
    });
    const token = vector('HS256 valid').token;
    expect(spying.verify(token).kind).toBe('valid');
    expect(calls).toHaveLength(2); // one per configured secret until one matches
    expect(Buffer.from(calls[1][1]).toString('base64url')).toBe(token.split('.')[2]);
  });

  it('safeEqual is false for different lengths and contents, true for equal bytes', () => {
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abc'))).toBe(true);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abd'))).toBe(false);
    expect(safeEqual(Buffer.from('abc'), Buffer.from('abcd'))).toBe(false);
  });
});

describe('JwtVerifier with public keys', () => {
  const pem = (file: string) => new PublicKeySet([parsePemPublicKey(keyFile(file))]);
  const asym = (keys: PublicKeySet, extra: Partial<JwtVerifierOptions> = {}) => new JwtVerifier({ algorithms: new Set(ALL), hmacSecrets: [], publicKeys: keys, clock, ...extra });

  it.each([
    ['RS256 valid', 'rsa.pub.pem'],
    ['RS384 valid', 'rsa.pub.pem'],
    ['RS512 valid', 'rsa.pub.pem'],
    ['ES256 valid', 'ec256.pub.pem'],
    ['ES384 valid', 'ec384.pub.pem'],
    ['EdDSA valid', 'ed25519.pub.pem'],
  ])('accepts %s with a PEM key', (name, file) => {
    expect(asym(pem(file)).verify(vector(name).token)).toMatchObject({ kind: 'valid', identifiers: vector(name).identifiers });
  });

  it('accepts every asymmetric vector through the JWKS, selecting keys by kid', () => {
    const verifier = asym(new PublicKeySet([], { keys: jwks }));
    for (const name of ['RS256 valid', 'RS384 valid', 'RS512 valid', 'ES256 valid', 'ES384 valid', 'EdDSA valid']) {
      expect([name, verifier.verify(vector(name).token).kind]).toEqual([name, 'valid']);
    }
    expect(verifier.verify(vector('RS256 expired').token)).toEqual({ kind: 'expired' });
  });

  it('refuses a signature by another key, and a kid pointing at a key of another type', () => {
    const verifier = asym(new PublicKeySet([], { keys: jwks }));
    expect(verifier.verify(vector('RS256 signed by another key').token)).toMatchObject({ kind: 'invalid', detail: 'bad signature' });
    expect(verifier.verify(vector('ES256 token claiming kid of the P-384 key').token)).toMatchObject({ kind: 'invalid' });
    expect(asym(pem('rsa.pub.pem')).verify(vector('ES256 valid').token)).toEqual({ kind: 'invalid', detail: 'no public key configured for ES256' });
  });

  it('flags an unknown kid so the JWKS can be refreshed, and accepts it once the key is known', () => {
    const token = vector('RS256 by the rotated-in key (kid rsa-2)').token;
    let keys = jwks();
    const verifier = asym(new PublicKeySet([], { keys: () => keys }));
    expect(verifier.verify(token)).toEqual({ kind: 'invalid', detail: 'unknown kid "rsa-2"', unknownKid: true });
    keys = parseJwks(readFileSync(join(JWT_FIXTURES, 'jwks-rotated.json'), 'utf8')).keys;
    expect(verifier.verify(token).kind).toBe('valid');
  });

  describe('algorithm confusion', () => {
    const confused = vector('HS256 keyed with the RSA public key PEM').token;

    it('refuses an HS256 token signed with the public key PEM when only the public key is configured', () => {
      expect(asym(pem('rsa.pub.pem')).verify(confused)).toEqual({ kind: 'invalid', detail: 'no HMAC secret configured for HS256' });
    });

    it('refuses it when HMAC and RSA are configured together (the PEM is never an HMAC key)', () => {
      const both = asym(pem('rsa.pub.pem'), { hmacSecrets: [Buffer.from(fixtures.secret)] });
      expect(both.verify(confused)).toEqual({ kind: 'invalid', detail: 'bad signature' });
      expect(both.verify(vector('HS256 valid').token).kind).toBe('valid');
      expect(both.verify(vector('RS256 valid').token).kind).toBe('valid');
    });

    it('refuses an RS256 token when only an HMAC secret is configured', () => {
      const secretOnly = new JwtVerifier({ algorithms: new Set(ALL), hmacSecrets: [Buffer.from(fixtures.secret)], clock });
      expect(secretOnly.verify(vector('RS256 valid').token)).toEqual({ kind: 'invalid', detail: 'no public key configured for RS256' });
    });

    it('does not let a JWK pinned to RS256 verify RS512', () => {
      const pinned = parseJwks(readFileSync(join(JWT_FIXTURES, 'jwks.json'), 'utf8')).keys.filter((k) => k.alg === 'RS256');
      expect(asym(new PublicKeySet([], { keys: () => pinned })).verify(vector('RS512 valid').token)).toMatchObject({ kind: 'invalid' });
    });
  });
});

describe('key parsing', () => {
  it('refuses RSA keys under 2048 bits and symmetric or private JWKs', () => {
    expect(() => parsePemPublicKey(keyFile('rsa-1024.pub.pem'))).toThrow(/unsupported key type/);
    const jwk = createPublicKey(keyFile('ec256.pub.pem')).export({ format: 'jwk' });
    const parsed = parseJwks(JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', kid: 'h' }, { ...jwk, d: 'x', kid: 'p' }, { ...jwk, use: 'enc', kid: 'e' }, { ...jwk, kid: 'ok' }] }));
    expect(parsed.keys.map((k) => k.kid)).toEqual(['ok']);
    expect(parsed.skipped).toHaveLength(3);
  });

  it('derives the public key from a private PEM', () => {
    expect(parsePemPublicKey(keyFile('ed25519.pem')).key.type).toBe('public');
  });
});
