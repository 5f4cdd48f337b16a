/**
 * Single-use tokens with the Redis replay store when Redis dies: fail closed
 * (neither a replay nor a fresh token gets in), within the identification
 * deadline, and fresh tokens work again once Redis is back. A redis-server of
 * the test's own, on a spare port, is killed mid-run.
 */
import { randomUUID } from 'node:crypto';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { Counters } from '../../src/metrics/counters.js';
import { startApp, type TestApp } from '../support/app.js';
import { describeWith } from '../support/describe-with.js';
import { RawClient, waitFor } from '../support/raw-client.js';
import { REDIS_SERVER_BINARY } from '../support/requirements.js';
import { eventually, OwnServer } from '../support/scale.js';

const SECRET = 'replay-outage-secret';
/** identify_timeout for this app: longer than the replay store's 2 s command timeout, short enough to matter. */
const IDENTIFY_TIMEOUT_S = 5;
const fresh = () => issueToken({ identifiers: { user_id: 1, nonce: randomUUID() }, key: SECRET, ttlSeconds: 120 });

/** Connect with `token` and wait for the server to answer or close; what it sent, how it closed, and how long it took. */
async function attempt(app: TestApp, token: string): Promise<{ frames: Record<string, unknown>[]; code?: number; reason?: string; ms: number }> {
  const started = Date.now();
  const client = await RawClient.connect(`${app.wsUrl()}?jid=${token}`);
  // The first of: a frame other than a ping, or the close.
  await waitFor(() => client.nonPing().length > 0 || client.closeCode !== undefined, (IDENTIFY_TIMEOUT_S + 5) * 1000, 'an answer or a close');
  const first = client.nonPing()[0];
  if (first?.type === 'welcome') {
    const ms = Date.now() - started;
    client.close();
    return { frames: [first], ms };
  }
  const code = await client.closed((IDENTIFY_TIMEOUT_S + 5) * 1000);
  return { frames: client.nonPing(), code, reason: client.closeReason, ms: Date.now() - started };
}

(await describeWith(REDIS_SERVER_BINARY))('jwt_single_use with the Redis replay store during a Redis outage', () => {
  let redis: OwnServer;
  let app: TestApp;
  beforeAll(async () => {
    redis = await OwnServer.redis();
    await redis.start();
    app = await startApp([
      '--jwt_secret', SECRET, '--jwt_single_use', '--jwt_replay_store', 'redis',
      '--redis_url', `redis://127.0.0.1:${redis.port}`, '--pubsub', 'none', '--identify_timeout', String(IDENTIFY_TIMEOUT_S),
    ]);
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    await redis?.stop();
  });

  it('refuses the replay and a fresh token while Redis is down (1011 Auth Error, no welcome), within identify_timeout, and accepts fresh tokens once it is back', async () => {
    const used = fresh();
    expect((await attempt(app, used)).frames).toEqual([expect.objectContaining({ type: 'welcome' })]);
    expect(await attempt(app, used)).toMatchObject({ frames: [expect.objectContaining({ type: 'disconnect', reason: 'unauthorized' })] });

    await redis.stop();
    const errorsBefore = app.app.get(Counters).get('rejected_connections_total:identify_error');
    for (const token of [used, fresh()]) {
      const result = await attempt(app, token);
      // Fail closed: the store cannot say "first use", so nobody gets in; a server-side fault, so 1011 and no disconnect frame (the client retries).
      expect(result).toMatchObject({ frames: [], code: 1011, reason: 'Auth Error' });
      expect(result.ms).toBeLessThan(IDENTIFY_TIMEOUT_S * 1000);
    }
    expect(app.app.get(Counters).get('rejected_connections_total:identify_error')).toBe(errorsBefore + 2);
    const report = (await (await fetch(app.httpUrl('/ready'))).json()) as { status: string; edges: { name: string; state: string }[] };
    expect(report).toMatchObject({ status: 'not_ready', edges: expect.arrayContaining([expect.objectContaining({ name: 'jwt-replay:redis', state: 'down' })]) });

    await redis.start();
    await eventually(async () => (await attempt(app, fresh())).frames[0]?.type === 'welcome', 15_000, 'a fresh token accepted after Redis is back');
    const again = fresh();
    expect((await attempt(app, again)).frames).toEqual([expect.objectContaining({ type: 'welcome' })]);
    expect((await attempt(app, again)).frames).toEqual([expect.objectContaining({ type: 'disconnect', reason: 'unauthorized' })]);
    expect(app.logs.join('\n')).not.toContain(used);
  }, 60_000);
});
