import { randomUUID } from 'node:crypto';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';
import { describeWith } from '../support/describe-with.js';
import { REDIS, TEST_REDIS_URL } from '../support/requirements.js';
import { fixtures, vector } from '../unit/auth/jwt-fixtures.js';

const UNAUTHORIZED = { type: 'disconnect', reason: 'unauthorized', reconnect: false };
/** A never-seen token (unique identifiers, so its SHA-256 is new even within one second and across runs). */
const fresh = (jti?: string) => issueToken({ identifiers: { user_id: 1, nonce: randomUUID() }, key: fixtures.secret, ttlSeconds: 60, ...(jti ? { jti } : {}) });

async function firstFrame(url: string): Promise<Record<string, unknown>> {
  const client = await RawClient.connect(url);
  const frame = await client.next();
  if (frame.type === 'welcome') client.close();
  else await client.closed();
  return frame;
}

describe('jwt_single_use with the memory store', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--jwt_single_use']);
  });
  afterAll(() => app.close());

  it('accepts a token once and refuses the replay', async () => {
    const url = `${app.wsUrl()}?jid=${fresh()}`;
    expect(await firstFrame(url)).toMatchObject({ type: 'welcome' });
    expect(await firstFrame(url)).toEqual(UNAUTHORIZED);
  });

  it('keys on jti: a different token with the same jti is a replay', async () => {
    const jti = `jti-${randomUUID()}`;
    expect(await firstFrame(`${app.wsUrl()}?jid=${fresh(jti)}`)).toMatchObject({ type: 'welcome' });
    const sameJti = issueToken({ identifiers: { user_id: 2 }, key: fixtures.secret, ttlSeconds: 90, jti });
    expect(await firstFrame(`${app.wsUrl()}?jid=${sameJti}`)).toEqual(UNAUTHORIZED);
  });

  it('refuses single-use tokens without exp (the replay entry could never expire)', async () => {
    expect(await firstFrame(`${app.wsUrl()}?jid=${vector('HS256 without exp').token}`)).toEqual(UNAUTHORIZED);
  });
});

const describeRedis = await describeWith(REDIS);

describeRedis('jwt_single_use with the Redis store across two cablecar nodes', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const flags = ['--jwt_secret', fixtures.secret, '--jwt_single_use', '--jwt_replay_store', 'redis', '--redis_url', TEST_REDIS_URL];
    [a, b] = await Promise.all([startApp(flags), startApp(flags)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  it('refuses on node B a token already used on node A', async () => {
    const token = fresh();
    expect(await firstFrame(`${a.wsUrl()}?jid=${token}`)).toMatchObject({ type: 'welcome' });
    expect(await firstFrame(`${b.wsUrl()}?jid=${token}`)).toEqual(UNAUTHORIZED);
    expect(await firstFrame(`${a.wsUrl()}?jid=${token}`)).toEqual(UNAUTHORIZED);
  });

  it('lets exactly one of two simultaneous connections with the same token in', async () => {
    const token = fresh();
    const frames = await Promise.all([firstFrame(`${a.wsUrl()}?jid=${token}`), firstFrame(`${b.wsUrl()}?jid=${token}`)]);
    expect(frames.map((f) => f.type).sort()).toEqual(['disconnect', 'welcome']);
  });

  it('accepts a fresh token on either node', async () => {
    expect(await firstFrame(`${b.wsUrl()}?jid=${fresh()}`)).toMatchObject({ type: 'welcome' });
  });
});
