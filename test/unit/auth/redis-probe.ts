/**
 * Redis availability for tests that need the real service: they run when
 * 127.0.0.1:6379 (or REDIS_URL) answers, skip with a loud message locally, and
 * fail under CI=true.
 */
import { Redis } from 'ioredis';

/** The Redis the tests use. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** PING with a short timeout. */
export async function redisReachable(url = TEST_REDIS_URL): Promise<boolean> {
  const redis = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/** `describe` when Redis is up; otherwise `describe.skip` plus a loud warning, or a failing test under CI. */
export async function describeWithRedis(): Promise<jest.Describe> {
  if (await redisReachable()) return describe;
  if (process.env.CI === 'true') {
    return ((name: string) => describe(name, () => it('needs Redis (CI=true)', () => {
      throw new Error(`Redis at ${TEST_REDIS_URL} is unreachable; Redis-backed tests must run under CI`);
    }))) as unknown as jest.Describe;
  }
  console.warn(`\n\n*** SKIPPING Redis-backed JWT tests: Redis at ${TEST_REDIS_URL} is unreachable (they FAIL under CI=true) ***\n`);
  return describe.skip;
}
