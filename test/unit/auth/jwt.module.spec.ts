import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuthModule, JWT_RANK } from '../../../src/auth/auth.module.js';
import { IdentificationChain } from '../../../src/auth/identification-chain.js';
import { JwtAuth } from '../../../src/auth/jwt/jwt.module.js';
import { MemoryReplayStore } from '../../../src/auth/jwt/memory.replay-store.js';
import { RedisReplayStore } from '../../../src/auth/jwt/redis.replay-store.js';
import { JWT_REPLAY_STORE, JWT_SETTINGS } from '../../../src/auth/jwt/jwt.tokens.js';
import { quietLogger, rootModuleWith, testConfig } from '../../support/modules.js';

async function boot(argv: string[], lines?: string[]) {
  const { config } = testConfig(argv);
  const logger = quietLogger(lines, 'error');
  const ref = await NestFactory.createApplicationContext(rootModuleWith(config, logger, [AuthModule]), { logger });
  return Object.assign(ref, { config });
}

describe('JwtModule wiring', () => {
  it('registers the JWT identifier first in the chain when a secret is set', async () => {
    const ref = await boot(['--jwt_secret', 's', '--noauth', '--jwt_single_use']);
    expect(ref.get(IdentificationChain).describe()).toEqual(['jwt', 'noauth']);
    expect(JWT_RANK).toBe(10);
    expect(ref.get(JWT_REPLAY_STORE)).toBeInstanceOf(MemoryReplayStore);
    expect(ref.get(JwtAuth).edges().map((edge) => edge.readiness())).toEqual([{ name: 'jwt-replay:memory', state: 'up', detail: '0 tokens remembered' }]);
    await ref.close();
  });

  it('uses the settings the loader resolved (the PEM key is read once) and the redis slice for the replay store', async () => {
    const ref = await boot(['--jwt_secret', 's', '--jwt_single_use', '--jwt_replay_store', 'redis', '--redis_url', 'redis://127.0.0.1:6379/15']);
    expect(ref.get(JWT_SETTINGS)).toBe(ref.config.settings.jwt);
    const store = ref.get(JWT_REPLAY_STORE);
    expect(store).toBeInstanceOf(RedisReplayStore);
    expect((store as unknown as { redis: { options: { db: number } } }).redis.options.db).toBe(15);
    await ref.close();
  });

  it('registers nothing when JWT is off', async () => {
    const ref = await boot([]);
    expect(ref.get(JwtAuth).identifier).toBeUndefined();
    expect(ref.get(IdentificationChain).describe()).toEqual([]);
    expect(ref.get(JWT_REPLAY_STORE)).toBeNull();
    expect(ref.get(JwtAuth).edges()).toEqual([]);
    await ref.close();
  });

  it('starts the Redis replay store as an edge: an unreachable Redis is logged once and reported down, boot goes on', async () => {
    const lines: string[] = [];
    const ref = await boot(['--jwt_secret', 's', '--jwt_single_use', '--jwt_replay_store', 'redis', '--redis_url', 'redis://127.0.0.1:1'], lines);
    expect(ref.get(JwtAuth).edges().map((edge) => edge.readiness())).toEqual([{ name: 'jwt-replay:redis', state: 'down', detail: expect.stringContaining('ECONNREFUSED') }]);
    expect(lines.filter((line) => line.includes('jwt replay store unreachable'))).toHaveLength(1);
    await ref.close();
  });
});
