import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';
import { fixtures } from '../unit/auth/jwt-fixtures.js';

const TOKEN_EXPIRED = { type: 'disconnect', reason: 'token_expired', reconnect: false };
/** A token whose exp (whole seconds) is 1-2 s away. */
const shortLived = () => issueToken({ identifiers: { user_id: 3 }, key: fixtures.secret, ttlSeconds: 2, now: Date.now() - 500 });
/** The `exp` claim (unix seconds) of a token. */
const expOf = (token: string): number => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).exp as number;

describe('jwt_expire_sessions', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--jwt_expire_sessions']);
  });
  afterAll(() => app.close());

  it('sends token_expired and closes the session when the token expires', async () => {
    const token = shortLived();
    const exp = expOf(token);
    const client = await RawClient.welcomed(`${app.wsUrl()}?jid=${token}`);
    expect(await client.next((f) => f.type === 'disconnect', 4000)).toEqual(TOKEN_EXPIRED);
    expect(await client.closed(1000)).toBe(1000);
    expect(Date.now()).toBeGreaterThanOrEqual(exp * 1000 - 50);
  });
});

describe('without jwt_expire_sessions (AnyCable default)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret]);
  });
  afterAll(() => app.close());

  it('keeps the session open after the token expires', async () => {
    const token = shortLived();
    const client = await RawClient.welcomed(`${app.wsUrl()}?jid=${token}`);
    // The behaviour under test is about the clock, so this wait is the point: let `exp` pass.
    const expiresAtMs = expOf(token) * 1000;
    await new Promise((r) => setTimeout(r, Math.max(0, expiresAtMs - Date.now()) + 300));
    // With jwt_expire_sessions a disconnect would have been sent by now; the pong shows nothing came before it.
    expect(await client.framesBeforePong()).toEqual([]);
    expect(client.closeCode).toBeUndefined();
    client.close();
  });
});
