import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, JWT_RANK } from '../../../src/auth/auth.module.js';
import { IdentificationChain } from '../../../src/auth/identification-chain.js';
import { JwtAuth } from '../../../src/auth/jwt/jwt.module.js';
import { MemoryReplayStore } from '../../../src/auth/jwt/memory.replay-store.js';
import { RedisReplayStore } from '../../../src/auth/jwt/redis.replay-store.js';
import { JWT_REPLAY_STORE, JWT_SETTINGS } from '../../../src/auth/jwt/jwt.tokens.js';
import { loadCableConfig } from '../../../src/capabilities.js';
import { CableConfigModule } from '../../../src/config/cable-config.module.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';

async function boot(argv: string[]) {
  const outcome = loadCableConfig({ argv: ['--ignore-config-path', ...argv], env: {}, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
  const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });
  @Module({ imports: [CableConfigModule.forRoot(outcome.config, logger), AuthModule] })
  class RootModule {}
  const ref = await NestFactory.createApplicationContext(RootModule, { logger });
  return Object.assign(ref, { config: outcome.config });
}

describe('JwtModule wiring', () => {
  it('registers the JWT identifier first in the chain when a secret is set', async () => {
    const ref = await boot(['--jwt_secret', 's', '--noauth', '--jwt_single_use']);
    expect(ref.get(IdentificationChain).describe()).toEqual(['jwt', 'noauth']);
    expect(JWT_RANK).toBe(10);
    expect(ref.get(JWT_REPLAY_STORE)).toBeInstanceOf(MemoryReplayStore);
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
    await ref.close();
  });
});
