import { Redis } from 'ioredis';
import { MemoryReplayStore } from '../../../src/auth/jwt/memory.replay-store.js';
import { RedisReplayStore, REPLAY_KEY_PREFIX } from '../../../src/auth/jwt/redis.replay-store.js';
import { describeWith } from '../../support/describe-with.js';
import { REDIS, TEST_REDIS_URL } from '../../support/requirements.js';

describe('MemoryReplayStore', () => {
  it('accepts a key once until it expires, then forgets it', async () => {
    let now = 1000;
    const store = new MemoryReplayStore({ now: () => now });
    expect(await store.claim('a', 5000)).toBe(true);
    expect(await store.claim('a', 5000)).toBe(false);
    expect(await store.claim('b', 5000)).toBe(true);
    now = 5000;
    expect(await store.claim('a', 9000)).toBe(true);
    now = 9000;
    store.sweep();
    expect(store.size).toBe(0);
    await store.stop();
  });

  it('does not remember keys that are already expired', async () => {
    const store = new MemoryReplayStore({ now: () => 10_000 });
    expect(await store.claim('old', 9_000)).toBe(true);
    expect(store.size).toBe(0);
    await store.stop();
  });

  it('is an I/O edge that is always up and may be started and stopped twice', async () => {
    const store = new MemoryReplayStore();
    await store.start();
    await store.start();
    expect(store.readiness()).toEqual({ name: 'jwt-replay:memory', state: 'up', detail: '0 tokens remembered' });
    await store.stop();
    await store.stop();
  });
});

const describeRedis = await describeWith(REDIS);

describeRedis('RedisReplayStore (real Redis)', () => {
  const prefix = `${REPLAY_KEY_PREFIX}test:${process.pid}:${Date.now()}:`;
  let a: RedisReplayStore;
  let b: RedisReplayStore;
  let admin: Redis;
  beforeAll(async () => {
    a = new RedisReplayStore(TEST_REDIS_URL, prefix);
    b = new RedisReplayStore(TEST_REDIS_URL, prefix);
    admin = new Redis(TEST_REDIS_URL);
    await Promise.all([a.start(), b.start()]);
  });
  afterAll(async () => {
    await Promise.all([a.stop(), b.stop()]);
    admin.disconnect();
  });

  it('lets exactly one of two stores claim a key', async () => {
    const exp = Date.now() + 60_000;
    const results = await Promise.all([a.claim('k1', exp), b.claim('k1', exp), a.claim('k1', exp)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('stores the entry with PXAT = the token expiry', async () => {
    const exp = Date.now() + 60_000;
    await a.claim('k2', exp);
    expect(await admin.pexpiretime(prefix + 'k2')).toBe(exp);
  });

  it('forgets the key once the token expires', async () => {
    expect(await a.claim('k3', Date.now() + 150)).toBe(true);
    expect(await b.claim('k3', Date.now() + 150)).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(await b.claim('k3', Date.now() + 60_000)).toBe(true);
  });

  it('rejects a claim when Redis is unreachable (an error, not a replay)', async () => {
    // why disconnectTimeout=0: ioredis arms a 2 s timer (connectors/AbstractConnector.js) when closing a client whose
    // socket is already dead, and never clears it; with 0 it fires at once instead of holding Jest open for 2 s.
    const down = new RedisReplayStore('redis://127.0.0.1:1?disconnectTimeout=0');
    await expect(down.claim('k', Date.now() + 1000)).rejects.toThrow();
    await down.stop();
  });

  it('reports readiness: starting before start, up once connected, down when stopped', async () => {
    const store = new RedisReplayStore(TEST_REDIS_URL, prefix);
    expect(store.readiness()).toMatchObject({ name: 'jwt-replay:redis', state: 'starting' });
    await store.start();
    expect(store.readiness()).toEqual({ name: 'jwt-replay:redis', state: 'up' });
    await store.stop();
    expect(store.readiness()).toMatchObject({ state: 'down' });
  });

  it('starts without throwing when Redis is unreachable and reports down with the error', async () => {
    const down = new RedisReplayStore('redis://127.0.0.1:1');
    await down.start();
    expect(down.readiness()).toMatchObject({ name: 'jwt-replay:redis', state: 'down', detail: expect.stringContaining('ECONNREFUSED') });
    await down.stop();
  });
});
