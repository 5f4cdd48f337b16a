import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule, JWT_RANK } from '../../../src/auth/auth.module.js';
import { IdentificationChain } from '../../../src/auth/identification-chain.js';
import { JwtAuth } from '../../../src/auth/jwt/jwt.module.js';
import { MemoryReplayStore } from '../../../src/auth/jwt/memory.replay-store.js';
import { JWT_REPLAY_STORE } from '../../../src/auth/jwt/jwt.tokens.js';
import { CableConfigModule } from '../../../src/config/cable-config.module.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';

async function boot(argv: string[], lines: string[] = []) {
  const outcome = loadConfig({ argv: ['--ignore-config-path', ...argv], env: {}, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
  const logger = new CableLogger({ level: 'error', format: 'json', write: (line) => lines.push(line) });
  @Module({ imports: [CableConfigModule.forRoot(outcome.config, logger), AuthModule] })
  class RootModule {}
  return NestFactory.createApplicationContext(RootModule, { logger });
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
