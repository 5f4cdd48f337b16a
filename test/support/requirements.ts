/**
 * What tests need from the machine, each with its probe and its Debian
 * package, for `describeWith()`. `.ci/run` installs the same packages.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection } from 'node:net';
import { Redis } from 'ioredis';
import type { Requirement } from './describe-with.js';

/** `ruby` able to `require` a library (or several, in order), from Debian's ruby plus that library's package. */
export function rubyLibrary(library: string | readonly string[], debianPackage: string): Requirement {
  const libraries = typeof library === 'string' ? [library] : library;
  const script = libraries.map((lib) => `require "${lib}"`).join('; ');
  return {
    name: `ruby with ${libraries.join(' + ')}`,
    install: `apt-get install ruby ${debianPackage}`,
    whyMissing: () => {
      const probe = spawnSync('ruby', ['-e', script], { encoding: 'utf8', timeout: 10_000 });
      if (probe.error) return (probe.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ruby is not on PATH' : `ruby cannot run: ${probe.error.message}`;
      if (probe.status !== 0) return `ruby -e '${script}' failed: ${probe.stderr.trim().split('\n')[0]}`;
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

/** The NATS server the tests use. */
export const TEST_NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

/** A TCP connect to host:port, with a short timeout. */
function tcpReachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** A NATS server answering at TEST_NATS_URL. */
export const NATS: Requirement = {
  name: 'a running NATS server',
  install: 'apt-get install nats-server, then start nats-server',
  whyMissing: async () => {
    const url = new URL(TEST_NATS_URL);
    return (await tcpReachable(url.hostname, Number(url.port || 4222))) ? undefined : `${TEST_NATS_URL} is unreachable`;
  },
};

/** A server binary the outage tests start and stop themselves on spare ports. */
export function serverBinary(binary: string, debianPackage: string): Requirement {
  return {
    name: `the ${binary} binary`,
    install: `apt-get install ${debianPackage}`,
    whyMissing: () => (binaryPath(binary) ? undefined : `${binary} is not on PATH nor in /usr/sbin`),
  };
}

/** Where `binary` is: on PATH or in /usr/sbin (Debian puts nats-server there). */
export function binaryPath(binary: string): string | undefined {
  const which = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) return which.stdout.trim();
  return existsSync(`/usr/sbin/${binary}`) ? `/usr/sbin/${binary}` : undefined;
}

/** redis-server, for the outage test. */
export const REDIS_SERVER_BINARY = serverBinary('redis-server', 'redis-server');
/** nats-server, for the outage test. */
export const NATS_SERVER_BINARY = serverBinary('nats-server', 'nats-server');

/** Rails' Action Cable with its Redis adapter (which needs the redis gem). */
export const RUBY_ACTIONCABLE_REDIS = rubyLibrary(['active_support', 'active_support/core_ext', 'action_cable', 'action_cable/subscription_adapter/redis'], 'ruby-actioncable ruby-redis');

/** The openssl command, which makes the throwaway certificates of the TLS tests. */
export const OPENSSL: Requirement = {
  name: 'the openssl command',
  install: 'apt-get install openssl',
  whyMissing: () => (binaryPath('openssl') ? undefined : 'openssl is not on PATH'),
};
