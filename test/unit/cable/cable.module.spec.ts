import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '../../../src/auth/auth.module.js';
import { CableGateway } from '../../../src/cable/cable.gateway.js';
import { CableModule } from '../../../src/cable/cable.module.js';
import type { SessionDeps } from '../../../src/cable/session.js';
import { loadCableConfig } from '../../../src/capabilities.js';
import { ChannelsModule } from '../../../src/channels/channels.module.js';
import { CableConfigModule } from '../../../src/config/cable-config.module.js';
import { HubModule } from '../../../src/hub/hub.module.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';

describe('CableModule wiring', () => {
  it('hands every session the limits and ws slices', async () => {
    const argv = ['--ignore-config-path', '--max_subscriptions', '7', '--whisper_rate', '0', '--ws_max_pending_size', '4096', '--max_message_size', '1024', '--ping_interval', '0'];
    const outcome = loadCableConfig({ argv, env: {}, cwd: '/' });
    if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
    const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });
    @Module({ imports: [CableConfigModule.forRoot(outcome.config, logger), HubModule, AuthModule, ChannelsModule, CableModule] })
    class RootModule {}
    const ctx = await NestFactory.createApplicationContext(RootModule, { logger });
    const deps = (ctx.get(CableGateway) as unknown as { sessionDeps: SessionDeps }).sessionDeps;
    expect(deps.limits).toMatchObject({ ...outcome.config.settings.limits, maxSubscriptions: 7, whisperRate: 0, maxPendingSize: 4096, maxBacklogBytes: 256 * 1024 });
    await ctx.close();
  });
});
