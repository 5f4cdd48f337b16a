import { SessionRegistry } from '../../src/hub/session-registry.js';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient, type Frame } from '../support/raw-client.js';
import { fixtures, vector } from '../unit/auth/jwt-fixtures.js';

const UNAUTHORIZED = { type: 'disconnect', reason: 'unauthorized', reconnect: false };
const TOKEN_EXPIRED = { type: 'disconnect', reason: 'token_expired', reconnect: false };

/** Connect, then collect every non-ping frame until the server closes (or a welcome arrives). */
async function outcomeOf(url: string, options?: { protocols?: string[]; headers?: Record<string, string> }): Promise<{ client: RawClient; first: Frame }> {
  const client = await RawClient.connect(url, options);
  const first = await client.next((f) => f.type !== 'ping');
  return { client, first };
}

async function expectRejected(url: string, frame: Frame, options?: { protocols?: string[]; headers?: Record<string, string> }): Promise<void> {
  const { client, first } = await outcomeOf(url, options);
  expect(first).toEqual(frame);
  expect(await client.closed()).toBe(1000);
  expect(client.closeReason).toBe('Auth Failed');
  expect(client.nonPing()).toEqual([frame]);
}

async function expectWelcome(app: TestApp, url: string, identifiers: string, options?: { protocols?: string[]; headers?: Record<string, string> }): Promise<RawClient> {
  const { client, first } = await outcomeOf(url, options);
  expect(first).toEqual({ type: 'welcome', sid: expect.any(String) });
  const session = app.app.get(SessionRegistry).all().find((s) => s.sid === first.sid);
  expect(session?.identifiers).toBe(identifiers);
  return client;
}

describe('JWT identification (--jwt_secret, not enforced, no other identifier)', () => {
  let app: TestApp;
  const valid = vector('HS256 valid');
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret]);
  });
  afterAll(() => app.close());
  const withQuery = (token: string) => `${app.wsUrl()}?jid=${encodeURIComponent(token)}`;

  it.each(['HS256 valid', 'HS384 valid', 'HS512 valid', 'HS256 valid, GlobalID identifiers kept byte for byte'])('welcomes %s (query) with ext as the identifiers', async (name) => {
    const client = await expectWelcome(app, withQuery(vector(name).token), vector(name).identifiers!);
    client.close();
  });

  it('sends token_expired and closes for an expired token', async () => {
    await expectRejected(withQuery(vector('HS256 expired').token), TOKEN_EXPIRED);
  });

  it.each(['HS256 wrong secret', 'alg none', 'HS256 tampered payload', 'HS256 nbf in the future', 'HS256 ext missing', 'HS256 ext not a string', 'HS256 ext not JSON', 'malformed: garbage', 'HS256 expired and wrong secret', 'RS256 valid'])(
    'sends unauthorized (never a 1011) for %s',
    async (name) => {
      await expectRejected(withQuery(vector(name).token), UNAUTHORIZED);
    },
  );

  it('refuses an oversized token with unauthorized', async () => {
    await expectRejected(app.wsUrl(), UNAUTHORIZED, { headers: { 'x-jid': valid.token + 'x'.repeat(9000) } });
  });

  it('falls through when there is no token; with nothing else configured that is unauthorized', async () => {
    await expectRejected(app.wsUrl(), UNAUTHORIZED);
  });

  it('reads the token from the X-JID header', async () => {
    (await expectWelcome(app, app.wsUrl(), valid.identifiers!, { headers: { 'X-JID': valid.token } })).close();
  });

  it('reads the token from an anycable-token subprotocol and still negotiates actioncable-v1-json', async () => {
    const client = await expectWelcome(app, app.wsUrl(), valid.identifiers!, { protocols: ['actioncable-v1-json', `anycable-token.${valid.token}`] });
    expect(client.ws.protocol).toBe('actioncable-v1-json');
    client.close();
  });

  it('prefers the header over the query parameter', async () => {
    (await expectWelcome(app, withQuery(vector('HS256 wrong secret').token), valid.identifiers!, { headers: { 'x-jid': valid.token } })).close();
    await expectRejected(withQuery(valid.token), UNAUTHORIZED, { headers: { 'x-jid': vector('HS256 wrong secret').token } });
  });

  it('prefers the subprotocol over the query parameter', async () => {
    await expectRejected(withQuery(valid.token), UNAUTHORIZED, { protocols: ['actioncable-v1-json', `anycable-token.${vector('HS256 wrong secret').token}`] });
  });

  it('accepts tokens issued by the Node helper', async () => {
    const token = issueToken({ identifiers: { user_id: 7 }, key: fixtures.secret, ttlSeconds: 60 });
    (await expectWelcome(app, withQuery(token), '{"user_id":7}')).close();
  });
});

describe('JWT identification with --noauth after it', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--noauth']);
  });
  afterAll(() => app.close());

  it('lets a connection without a token fall through to noauth', async () => {
    const { client, first } = await outcomeOf(app.wsUrl());
    expect(first).toEqual({ type: 'welcome', sid: expect.any(String) });
    const session = app.app.get(SessionRegistry).all().find((s) => s.sid === first.sid);
    expect(session?.identifiers).toBe(JSON.stringify({ sid: first.sid }));
    client.close();
  });

  it('still refuses a bad token instead of falling through', async () => {
    await expectRejected(`${app.wsUrl()}?jid=${vector('HS256 wrong secret').token}`, UNAUTHORIZED);
  });
});

describe('JWT identification with --enforce_jwt and a custom --jwt_param', () => {
  let app: TestApp;
  const valid = vector('HS256 valid');
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--enforce_jwt', '--noauth', '--jwt_param', 'token']);
  });
  afterAll(() => app.close());

  it('refuses a connection without a token even though noauth is on', async () => {
    await expectRejected(app.wsUrl(), UNAUTHORIZED);
  });

  it('reads ?token= and X-Token, not jid', async () => {
    (await expectWelcome(app, `${app.wsUrl()}?token=${valid.token}`, valid.identifiers!)).close();
    (await expectWelcome(app, app.wsUrl(), valid.identifiers!, { headers: { 'X-Token': valid.token } })).close();
    await expectRejected(`${app.wsUrl()}?jid=${valid.token}`, UNAUTHORIZED);
  });
});

describe('JWT identification with deprecated option names', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_id_key', fixtures.secret, '--jwt_id_param', 'tk', '--jwt_id_enforce']);
  });
  afterAll(() => app.close());

  it('still honours --jwt_id_key, --jwt_id_param and --jwt_id_enforce', async () => {
    const valid = vector('HS256 valid');
    (await expectWelcome(app, `${app.wsUrl()}?tk=${valid.token}`, valid.identifiers!)).close();
    await expectRejected(app.wsUrl(), UNAUTHORIZED);
  });
});

describe('JWT identification falling back to --secret, and none', () => {
  it('uses --secret when --jwt_secret is unset', async () => {
    const app = await startApp(['--secret', fixtures.secret]);
    try {
      const valid = vector('HS256 valid');
      (await expectWelcome(app, `${app.wsUrl()}?jid=${valid.token}`, valid.identifiers!)).close();
    } finally {
      await app.close();
    }
  });

  it('turns JWT off with --jwt_secret none even when --secret is set', async () => {
    const app = await startApp(['--secret', fixtures.secret, '--jwt_secret', 'none', '--noauth']);
    try {
      const { client, first } = await outcomeOf(`${app.wsUrl()}?jid=${vector('HS256 wrong secret').token}`);
      expect(first).toMatchObject({ type: 'welcome' }); // no JWT step: the bad token is ignored, noauth accepts
      client.close();
    } finally {
      await app.close();
    }
  });
});
