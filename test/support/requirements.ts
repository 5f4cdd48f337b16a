/**
 * What tests need from the machine, each with its probe and its Debian
 * package, for `describeWith()`. `.ci/run` installs the same packages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import type { Requirement } from './describe-with.js';

/** `ruby` able to `require` a library, from Debian's ruby plus that library's package. */
export function rubyLibrary(library: string, debianPackage: string): Requirement {
  return {
    name: `ruby with ${library}`,
    install: `apt-get install ruby ${debianPackage}`,
    whyMissing: () => {
      const probe = spawnSync('ruby', ['-e', `require "${library}"`], { encoding: 'utf8', timeout: 10_000 });
      if (probe.error) return (probe.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ruby is not on PATH' : `ruby cannot run: ${probe.error.message}`;
      if (probe.status !== 0) return `ruby -e 'require "${library}"' failed: ${probe.stderr.trim().split('\n')[0]}`;
      return undefined;
    },
  };
}

/** Ruby's jwt gem, the library anycable-rb's AnyCable::JWT builds on. */
export const RUBY_JWT = rubyLibrary('jwt', 'ruby-jwt');

/** Where Debian's chromium package puts the browser playwright-core drives. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** A headless-capable Chromium for the browser e2e tests. */
export const CHROMIUM: Requirement = {
  name: 'Chromium',
  install: 'apt-get install chromium',
  whyMissing: () => (existsSync(CHROMIUM_PATH) ? undefined : `${CHROMIUM_PATH} not found`),
};

/** The Redis the tests use. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** PING with a short timeout. */
async function redisReachable(url = TEST_REDIS_URL): Promise<boolean> {
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

/** A Redis server answering at TEST_REDIS_URL. */
export const REDIS: Requirement = {
  name: 'a running Redis',
  install: 'apt-get install redis-server, then start redis-server',
  whyMissing: async () => ((await redisReachable()) ? undefined : `${TEST_REDIS_URL} is unreachable`),
};
