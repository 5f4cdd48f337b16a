import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { AppModule } from '../../src/app.module.js';
import { IdentificationChain } from '../../src/auth/identification-chain.js';
import { ChannelDiscovery } from '../../src/channels/channel-discovery.js';
import { loadConfig } from '../../src/config/load-config.js';
import { Hub } from '../../src/hub/hub.js';
import { CableLogger } from '../../src/logging/cable-logger.js';

async function contextFor(argv: string[]) {
  const outcome = loadConfig({ argv: ['--ignore-config-path', ...argv], env: {}, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error('bad config');
  const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });
  return NestFactory.createApplicationContext(AppModule.forRoot(outcome.config, logger), { logger });
}

describe('AppModule wiring', () => {
  it('wires the hub, the $pubsub channel and no identification by default', async () => {
    const ctx = await contextFor([]);
    expect(ctx.get(Hub)).toBeInstanceOf(Hub);
    expect(ctx.get(ChannelDiscovery).router.localChannels()).toContain('$pubsub');
    expect(ctx.get(IdentificationChain).describe()).toEqual([]);
    expect(ctx.get(ConfigService).get('port')).toBe(8080);
    await ctx.close();
  });

  it('registers the noauth identifier in --noauth mode', async () => {
    const ctx = await contextFor(['--noauth']);
    expect(ctx.get(IdentificationChain).describe()).toEqual(['noauth']);
    await ctx.close();
  });
});
