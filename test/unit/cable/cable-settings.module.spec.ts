import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AuthModule } from '../../../src/auth/auth.module.js';
import { CableGateway } from '../../../src/cable/cable.gateway.js';
import { CableModule } from '../../../src/cable/cable.module.js';
import type { SessionDeps } from '../../../src/cable/session.js';
import { ChannelsModule } from '../../../src/channels/channels.module.js';
import { HubModule } from '../../../src/hub.module.js';
import { quietLogger, rootModuleWith, testConfig } from '../../support/modules.js';

describe('CableModule wiring with the config slices', () => {
  it('hands every session the limits and ws slices', async () => {
    const argv = ['--max_subscriptions', '7', '--whisper_rate', '0', '--ws_max_pending_size', '4096', '--max_message_size', '1024', '--ping_interval', '0'];
    const { config } = testConfig(argv);
    const logger = quietLogger();
    const ctx = await NestFactory.createApplicationContext(rootModuleWith(config, logger, [HubModule, AuthModule, ChannelsModule.forRoot(), CableModule]), { logger, abortOnError: false });
    const deps = (ctx.get(CableGateway) as unknown as { sessionDeps: SessionDeps }).sessionDeps;
    expect(deps.limits).toMatchObject({ ...config.settings.limits, maxSubscriptions: 7, whisperRate: 0, maxPendingSize: 4096, maxBacklogBytes: 256 * 1024 });
    await ctx.close();
  });
});
