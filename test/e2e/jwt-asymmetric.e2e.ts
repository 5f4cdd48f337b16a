import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';
import { fixtures, JWT_FIXTURES, keyFile, vector } from '../unit/auth/jwt-fixtures.js';

const UNAUTHORIZED = { type: 'disconnect', reason: 'unauthorized', reconnect: false };

async function firstFrame(url: string): Promise<Record<string, unknown>> {
  const client = await RawClient.connect(url);
  const frame = await client.next();
  if (frame.type === 'welcome') client.close();
  else expect(await client.closed()).toBe(1000);
  return frame;
}

describe('RS256 with --jwt_public_key (path) beside an HMAC secret', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--jwt_public_key', join(JWT_FIXTURES, 'keys/rsa.pub.pem')]);
  });
  afterAll(() => app.close());
  const url = (token: string) => `${app.wsUrl()}?jid=${token}`;

  it('accepts RSA tokens made by ruby-jwt and HMAC tokens alike', async () => {
    for (const name of ['RS256 valid', 'RS512 valid', 'HS256 valid']) expect([name, await firstFrame(url(vector(name).token))]).toEqual([name, expect.objectContaining({ type: 'welcome' })]);
  });

  it('refuses algorithm confusion: an HS256 token keyed with the public key PEM', async () => {
    expect(await firstFrame(url(vector('HS256 keyed with the RSA public key PEM').token))).toEqual(UNAUTHORIZED);
  });

  it('refuses algorithms of other key types and expired RSA tokens with the right reasons', async () => {
    expect(await firstFrame(url(vector('ES256 valid').token))).toEqual(UNAUTHORIZED);
    expect(await firstFrame(url(vector('RS256 expired').token))).toEqual({ type: 'disconnect', reason: 'token_expired', reconnect: false });
  });

  it('accepts tokens signed by the Node helper with the private key', async () => {
    const token = issueToken({ identifiers: { user_id: 9 }, key: keyFile('rsa.pem'), algorithm: 'RS256', ttlSeconds: 60 });
    expect(await firstFrame(url(token))).toMatchObject({ type: 'welcome' });
  });
});

describe('--jwt_algorithms allow-list', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--jwt_public_key', join(JWT_FIXTURES, 'keys/ed25519.pub.pem'), '--jwt_algorithms', 'EdDSA,HS512']);
  });
  afterAll(() => app.close());

  it('accepts only the listed algorithms', async () => {
    expect(await firstFrame(`${app.wsUrl()}?jid=${vector('EdDSA valid').token}`)).toMatchObject({ type: 'welcome' });
    expect(await firstFrame(`${app.wsUrl()}?jid=${vector('HS512 valid').token}`)).toMatchObject({ type: 'welcome' });
    expect(await firstFrame(`${app.wsUrl()}?jid=${vector('HS256 valid').token}`)).toEqual(UNAUTHORIZED);
  });
});

describe('--jwt_jwks_url over HTTP', () => {
  let app: TestApp;
  let jwksServer: Server;
  let served = readFileSync(join(JWT_FIXTURES, 'jwks.json'), 'utf8');
  let fetches = 0;
  beforeAll(async () => {
    jwksServer = createServer((_req, res) => {
      fetches++;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(served);
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    const { port } = jwksServer.address() as AddressInfo;
    app = await startApp(['--jwt_jwks_url', `http://127.0.0.1:${port}/.well-known/jwks.json`, '--enforce_jwt']);
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => jwksServer.close(resolve));
  });
  const url = (token: string) => `${app.wsUrl()}?jid=${token}`;

  it('loads the key set at boot and selects keys by kid', async () => {
    expect(fetches).toBe(1);
    for (const name of ['RS256 valid', 'ES256 valid', 'ES384 valid', 'EdDSA valid']) expect([name, await firstFrame(url(vector(name).token))]).toEqual([name, expect.objectContaining({ type: 'welcome' })]);
    expect(await firstFrame(url(vector('HS256 valid').token))).toEqual(UNAUTHORIZED);
  });

  it('refetches the JWKS when a token names a new kid (issuer key rotation), at most once per gap', async () => {
    served = readFileSync(join(JWT_FIXTURES, 'jwks-rotated.json'), 'utf8');
    expect(await firstFrame(url(vector('RS256 by the rotated-in key (kid rsa-2)').token))).toMatchObject({ type: 'welcome' });
    expect(fetches).toBe(2);
    const unknown = issueToken({ identifiers: { user_id: 1 }, key: keyFile('rsa-other.pem'), algorithm: 'RS256', kid: 'rsa-3', ttlSeconds: 60 });
    expect(await firstFrame(url(unknown))).toEqual(UNAUTHORIZED);
    expect(fetches).toBe(2); // rate-limited: no second on-demand fetch within 10 s
  });
});

describe('JWKS from a file', () => {
  it('accepts --jwt_jwks_url with a path', async () => {
    const app = await startApp(['--jwt_jwks_url', join(JWT_FIXTURES, 'jwks.json')]);
    try {
      expect(await firstFrame(`${app.wsUrl()}?jid=${vector('ES384 valid').token}`)).toMatchObject({ type: 'welcome' });
    } finally {
      await app.close();
    }
  });
});
