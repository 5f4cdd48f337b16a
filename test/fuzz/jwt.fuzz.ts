/**
 * Property-based fuzzing of JWT identification (docs/jwt.md): tokens signed
 * here with node:crypto (HS256, `--jwt_algorithms HS256`), then mutated byte by
 * byte, re-encoded, re-headed or forged. A token that is not exactly one the
 * secret signed, with acceptable claims, never gets a `welcome`.
 */
import fc from 'fast-check';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient, type Frame } from '../support/raw-client.js';
import { base64url, FUZZ_TIMEOUT_MS, FuzzHarness, mutationOf, signJwt, type Edit } from './support.js';

const SECRET = 'fuzz-jwt-secret-0123456789';
const BROADCAST_KEY = 'fuzz-broadcast-key';
const UNAUTHORIZED = { type: 'disconnect', reason: 'unauthorized', reconnect: false };
const HOUR = 3600;
const now = (): number => Math.floor(Date.now() / 1000);

/** A token the server must accept. */
const validToken = (identifiers: unknown = { user_id: 42 }): string => signJwt({ alg: 'HS256', typ: 'JWT' }, { ext: JSON.stringify(identifiers), exp: now() + HOUR }, SECRET);

/** How the client presents its token (anycable's three places). */
type Transport = 'query' | 'header' | 'subprotocol';

/** Characters each transport carries byte for byte; anything else goes in the (percent-encoded) query. */
const CARRIES: Record<Exclude<Transport, 'query'>, RegExp> = {
  // Header values lose leading/trailing whitespace in HTTP parsing, so only "inner" text is exact.
  header: /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/,
  subprotocol: /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/,
};

/** Connect presenting `token` over `transport` and return the first frame (welcome or disconnect) with the client. */
async function present(app: TestApp, token: string, transport: Transport): Promise<{ client: RawClient; first: Frame }> {
  const via = transport !== 'query' && CARRIES[transport].test(token) ? transport : 'query';
  const client =
    via === 'header'
      ? await RawClient.connect(app.wsUrl(), { headers: { 'X-JID': token } })
      : via === 'subprotocol'
        ? await RawClient.connect(app.wsUrl(), { protocols: ['actioncable-v1-json', `anycable-token.${token}`] })
        : await RawClient.connect(`${app.wsUrl()}?jid=${encodeURIComponent(token)}`);
  return { client, first: await client.next() };
}

/** Apply `change` to segment `index` (0 header, 1 payload, 2 signature). */
const onSegment = (index: number, change: (segment: string) => string): Edit => (token) => {
  const parts = token.split('.');
  if (parts.length <= index) return token;
  parts[index] = change(parts[index]);
  return parts.join('.');
};

/** Decode a segment's JSON, change it, re-encode (signature untouched); a segment that does not decode is left alone. */
const onClaims = (index: 0 | 1, change: (claims: Record<string, unknown>) => unknown, encode: (value: unknown) => string = JSON.stringify): Edit =>
  onSegment(index, (segment) => {
    try {
      return base64url(encode(change(JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>)));
    } catch {
      return segment;
    }
  });

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Token-aware edits: segment swaps, padding, the other base64 alphabet, spare bits, whitespace, re-headed and re-claimed copies. */
const jwtEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.tuple(fc.nat(2), fc.nat(2)).map(([i, j]): Edit => (t) => {
    const p = t.split('.');
    [p[i], p[j]] = [p[j], p[i]];
    return p.join('.');
  }),
  fc.tuple(fc.nat(2), fc.constantFrom('=', '==', '===')).map(([i, pad]) => onSegment(i, (s) => s + pad)),
  fc.nat(2).map((i) => onSegment(i, (s) => s.replace(/-/g, '+').replace(/_/g, '/'))),
  fc.tuple(fc.nat(2), fc.integer({ min: 1, max: 3 })).map(([i, spare]) =>
    onSegment(i, (s) => (s.length === 0 ? s : s.slice(0, -1) + BASE64URL[(BASE64URL.indexOf(s.slice(-1)) ^ spare) & 63])),
  ),
  fc.tuple(fc.nat(3), fc.constantFrom(' ', '\t', '\n', '\r\n', '\u00a0')).map(([at, ws]): Edit => (t) => {
    const p = t.split('.');
    return at === 3 ? ws + t + ws : [...p.slice(0, at), ws + (p[at] ?? ''), ...p.slice(at + 1)].join('.');
  }),
  fc.constantFrom('none', 'None', 'HS512', 'HS384', 'RS256', 'ES256', 'EdDSA', 'hs256', 'HS256 ', '').map((alg) => onClaims(0, (h) => ({ ...h, alg }))),
  fc.constant(onClaims(0, ({ alg: _alg, ...rest }) => rest)),
  fc.constant(onClaims(0, (h) => ({ ...h, crit: ['exp'] }))),
  fc.integer({ min: 1, max: 1000 }).map((n) => onClaims(1, (p) => ({ ...p, ext: JSON.stringify({ user_id: 42 + n }) }))),
  fc.constant(onClaims(1, (p) => ({ ...p, exp: (p.exp as number) + 10 * HOUR }))),
  fc.constant(onClaims(1, ({ exp: _exp, ...rest }) => rest)),
  fc.nat(1).map((i) => onClaims(i as 0 | 1, (c) => c, (v) => JSON.stringify(v, null, 1))),
  fc.constantFrom<Edit>((t) => t.split('.').slice(0, 2).join('.') + '.', (t) => t.split('.').slice(0, 2).join('.'), (t) => t + '.x', (t) => t + '.', (t) => t.toUpperCase()),
);

describe('JWT identification (fuzzed)', () => {
  let app: TestApp;
  let harness: FuzzHarness;

  beforeAll(async () => {
    app = await startApp(['--jwt_secret', SECRET, '--jwt_algorithms', 'HS256', '--public_streams', '--broadcast_key', BROADCAST_KEY]);
    harness = await FuzzHarness.start(app, { headers: { 'X-JID': validToken({ bystander: true }) }, broadcastHeaders: { Authorization: `Bearer ${BROADCAST_KEY}` } });
  });
  afterAll(async () => {
    harness.stop();
    await app.close();
  });

  const transportArb = fc.constantFrom<Transport>('query', 'header', 'subprotocol');

  it(
    'welcomes a token the secret signed, whatever identifiers it carries and however it is presented',
    () =>
      harness.check(fc.tuple(fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), transportArb), async ([identifiers, transport]) => {
        const { client, first } = await present(app, validToken(identifiers), transport);
        expect(first).toEqual({ type: 'welcome', sid: expect.any(String) });
        client.close();
      }, 0.5),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'never welcomes a tampered copy of a valid token (bit flips, truncation, padding, other alphabet, spare bits, whitespace, new header or claims)',
    () =>
      harness.check(
        fc.tuple(fc.dictionary(fc.string({ maxLength: 8 }), fc.integer(), { maxKeys: 2 }), transportArb).chain(([identifiers, transport]) =>
          fc.tuple(mutationOf(validToken(identifiers), jwtEdit), fc.constant(transport)),
        ),
        async ([mutant, transport]) => {
          const { client, first } = await present(app, mutant, transport);
          expect(first).toEqual(UNAUTHORIZED);
          expect(await client.closed()).toBe(1000);
        },
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'never welcomes a forged token: alg none, a disallowed HMAC algorithm with the right secret, another key, or no signature',
    () =>
      harness.check(
        fc
          .record({
            header: fc.record(
              {
                alg: fc.oneof(fc.constantFrom('none', 'None', 'HS256', 'HS384', 'HS512', 'RS256', 'ES256', 'EdDSA', 'hs256', ''), fc.string(), fc.jsonValue({ maxDepth: 1 })),
                typ: fc.constantFrom('JWT', 'jwt', 'at+jwt'),
                kid: fc.jsonValue({ maxDepth: 1 }),
              },
              { requiredKeys: [] },
            ),
            payload: fc.record({ ext: fc.oneof(fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), fc.jsonValue({ maxDepth: 2 })), exp: fc.integer({ min: now() + 60, max: now() + 100 * HOUR }) }, { requiredKeys: [] }),
            key: fc.oneof(fc.constant(SECRET), fc.string(), fc.constant(SECRET.slice(0, -1)), fc.constant(SECRET + ' ')),
            hash: fc.constantFrom('sha256' as const, 'sha384' as const, 'sha512' as const),
            unsigned: fc.boolean(),
            transport: transportArb,
          })
          // The only genuine combination: exactly what the server is configured to accept.
          .filter(({ header, key, hash, unsigned }) => unsigned || !(header.alg === 'HS256' && key === SECRET && hash === 'sha256')),
        async ({ header, payload, key, hash, unsigned, transport }) => {
          const signed = signJwt(header, payload, key || 'k', hash);
          const token = unsigned ? signed.slice(0, signed.lastIndexOf('.') + 1) : signed;
          const { client, first } = await present(app, token, transport);
          expect(first).toEqual(UNAUTHORIZED);
          expect(await client.closed()).toBe(1000);
        },
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'never welcomes a correctly signed token whose claims are unacceptable (expired, not yet valid, bad exp, bad ext, crit header)',
    () =>
      harness.check(
        fc.oneof(
          fc.record({ ext: fc.constant('{"user_id":1}'), exp: fc.integer({ min: 0, max: now() - 1 }) }),
          fc.record({ ext: fc.constant('{"user_id":1}'), nbf: fc.integer({ min: now() + 60, max: now() + 100 * HOUR }) }),
          fc.record({ ext: fc.constant('{"user_id":1}'), exp: fc.oneof(fc.string(), fc.constant(null), fc.array(fc.integer()), fc.boolean()) }),
          fc.record({ ext: fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'string') }, { requiredKeys: [] }),
          fc.record({ ext: fc.string().filter((s) => !isJson(s)) }),
          fc.record({ ext: fc.constant('{"user_id":1}'), crit: fc.constant(['exp']) }),
        ),
        async (claims) => {
          const { crit, ...payload } = claims as Record<string, unknown>;
          const token = signJwt({ alg: 'HS256', typ: 'JWT', ...(crit ? { crit } : {}) }, payload, SECRET);
          const { client, first } = await present(app, token, 'query');
          expect(first.type).toBe('disconnect');
          expect(['unauthorized', 'token_expired']).toContain(first.reason);
          expect(await client.closed()).toBe(1000);
        },
      ),
    FUZZ_TIMEOUT_MS,
  );
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
