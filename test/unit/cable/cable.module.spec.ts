import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { PUBSUB } from '../../../src/broadcast/broadcast.tokens.js';
import type { PubSub } from '../../../src/broadcast/pubsub.js';
import { CableGateway } from '../../../src/cable/cable.gateway.js';
import type { SessionDeps } from '../../../src/cable/session.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';
import { recordCalls } from '../../support/record-pubsub.js';

describe('CableModule wiring', () => {
  it('builds the gateway with Ingest from BroadcastModule: a whisper is published through the pub/sub', async () => {
    const outcome = loadConfig({ argv: ['--ignore-config-path', '--public'], env: {}, cwd: '/' });
    if (outcome.kind !== 'ok') throw new Error('bad config');
    const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });
    const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(outcome.config, logger), { logger });
    const calls = recordCalls(ctx.get<PubSub>(PUBSUB));
    // The deps object every Session gets; private, read here only to check the wiring.
    const deps = (ctx.get(CableGateway) as unknown as { sessionDeps: SessionDeps }).sessionDeps;
    deps.publishWhisper('room', '{"typing":true}', 'sid-1');
    expect(calls).toEqual([`publish:${JSON.stringify({ kind: 'publication', publication: { stream: 'room', data: '{"typing":true}', meta: { exclude_socket: 'sid-1', transient: true } } })}`]);
    await ctx.close();
  });
});
