import type { Handshake } from '../../../src/auth/identification.js';
import { HMAC_ALGORITHMS } from '../../../src/auth/jwt/jwt-algorithms.js';
import { JwtIdentifier, replayKeyOf, type JwtIdentifierOptions } from '../../../src/auth/jwt/jwt.identifier.js';
import { JwtVerifier } from '../../../src/auth/jwt/jwt.verifier.js';
import { MemoryReplayStore } from '../../../src/auth/jwt/memory.replay-store.js';
import type { ReplayStore } from '../../../src/auth/jwt/replay-store.js';
import { extractToken } from '../../../src/auth/jwt/token-extractor.js';
import { testHandshake } from '../../support/contexts.js';
import { fixtures, vector } from './jwt-fixtures.js';

function handshake(parts: { headers?: Record<string, string | string[]>; protocols?: string[]; query?: string } = {}): Handshake {
  return testHandshake({
    sid: 'sid-1',
    url: `http://localhost/cable?${parts.query ?? ''}`,
    headers: parts.headers ?? {},
    query: new URLSearchParams(parts.query ?? ''),
    protocols: parts.protocols ?? ['actioncable-v1-json'],
  });
}

/** The I/O-edge half of a replay-store double (the identifier only claims). */
function edgeStub(name: string) {
  return { start: async () => undefined, stop: async () => undefined, readiness: () => ({ name, state: 'up' as const }) };
}

describe('extractToken', () => {
  it('reads header, then anycable-token subprotocol, then query', () => {
    expect(extractToken(handshake({ headers: { 'x-jid': 'h' }, protocols: ['actioncable-v1-json', 'anycable-token.s'], query: 'jid=q' }), 'jid')).toEqual({ token: 'h', source: 'header' });
    expect(extractToken(handshake({ protocols: ['actioncable-v1-json', 'anycable-token.s'], query: 'jid=q' }), 'jid')).toEqual({ token: 's', source: 'subprotocol' });
    expect(extractToken(handshake({ query: 'jid=q&jid=r' }), 'jid')).toEqual({ token: 'q', source: 'query' });
    expect(extractToken(handshake(), 'jid')).toBeUndefined();
  });

  it('treats empty values as absent and lower-cases the header name', () => {
    expect(extractToken(handshake({ headers: { 'x-jid': '' }, protocols: ['anycable-token.'], query: 'jid=' }), 'jid')).toBeUndefined();
    expect(extractToken(handshake({ headers: { 'x-my-token': 'h' } }), 'My-Token')).toEqual({ token: 'h', source: 'header' });
    expect(extractToken(handshake({ headers: { 'x-jid': ['a', 'b'] } }), 'jid')).toEqual({ token: 'a', source: 'header' });
  });
});

describe('JwtIdentifier', () => {
  const verifier = new JwtVerifier({ algorithms: new Set(HMAC_ALGORITHMS), hmacSecrets: [Buffer.from(fixtures.secret)] });
  const make = (extra: Partial<JwtIdentifierOptions> = {}) => new JwtIdentifier({ verifier, param: 'jid', enforce: false, expireSessions: false, ...extra });
  const withToken = (token: string) => handshake({ query: `jid=${token}` });

  it('maps the verifier outcomes to identification outcomes', async () => {
    const id = make();
    expect(await id.identify(withToken(vector('HS256 valid').token))).toEqual({ kind: 'accepted', identifiers: vector('HS256 valid').identifiers, claims: expect.objectContaining({ ext: vector('HS256 valid').identifiers }) });
    expect(await id.identify(withToken(vector('HS256 expired').token))).toEqual({ kind: 'rejected', reason: 'token_expired', detail: 'jwt: token expired' });
    expect(await id.identify(withToken(vector('alg none').token))).toMatchObject({ kind: 'rejected', reason: 'unauthorized' });
    expect(await id.identify(handshake())).toEqual({ kind: 'next' });
  });

  it('refuses a missing token when enforced', async () => {
    expect(await make({ enforce: true }).identify(handshake())).toEqual({ kind: 'rejected', reason: 'unauthorized', detail: 'jwt: no token' });
  });

  it('adds expiresAt only with jwt_expire_sessions', async () => {
    const token = vector('HS256 valid').token;
    expect(await make({ expireSessions: true }).identify(withToken(token))).toMatchObject({ expiresAt: fixtures.far_future * 1000 });
    expect(await make().identify(withToken(token))).not.toHaveProperty('expiresAt');
  });

  it('answers synchronously when no I/O is needed', () => {
    expect(make().identify(withToken(vector('HS256 valid').token))).not.toBeInstanceOf(Promise);
  });

  it('claims single-use tokens under jti or the token hash', async () => {
    const store = new MemoryReplayStore();
    const id = make({ replayStore: store });
    const withJti = vector('HS256 valid with jti');
    expect(await id.identify(withToken(withJti.token))).toMatchObject({ kind: 'accepted' });
    expect(await id.identify(withToken(withJti.token))).toEqual({ kind: 'rejected', reason: 'unauthorized', detail: 'jwt: token already used' });
    expect(await store.claim('jti:token-1', Date.now() + 1000)).toBe(false);
    const plain = vector('HS256 valid').token;
    expect(await id.identify(withToken(plain))).toMatchObject({ kind: 'accepted' });
    expect(await store.claim(replayKeyOf(plain, undefined), Date.now() + 1000)).toBe(false);
    expect(replayKeyOf(plain, undefined)).toMatch(/^sha256:[0-9a-f]{64}$/);
    await store.stop();
  });

  it('does not record expired or invalid tokens as used', async () => {
    const claims: string[] = [];
    const store: ReplayStore = { ...edgeStub('spy'), claim: async (key) => (claims.push(key), true) };
    const id = make({ replayStore: store });
    await id.identify(withToken(vector('HS256 expired').token));
    await id.identify(withToken(vector('HS256 wrong secret').token));
    expect(claims).toEqual([]);
  });

  it('lets a replay-store failure surface as an error (close 1011), not as unauthorized', async () => {
    const store: ReplayStore = { ...edgeStub('down'), claim: () => Promise.reject(new Error('ECONNREFUSED')) };
    await expect(make({ replayStore: store }).identify(withToken(vector('HS256 valid').token))).rejects.toThrow('ECONNREFUSED');
  });

  it('refreshes keys once for an unknown kid and verifies again', async () => {
    let calls = 0;
    const unknownKid = { verify: () => (calls++ === 0 ? { kind: 'invalid' as const, detail: 'unknown kid', unknownKid: true } : { kind: 'valid' as const, identifiers: '{}' }) };
    let refreshes = 0;
    const id = new JwtIdentifier({ verifier: unknownKid as unknown as JwtVerifier, param: 'jid', enforce: false, expireSessions: false, refreshKeys: async () => (refreshes++, true) });
    expect(await id.identify(withToken('x.y.z'))).toEqual({ kind: 'accepted', identifiers: '{}' });
    expect([refreshes, calls]).toEqual([1, 2]);
  });
});
