import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { CableGateway } from '../../../src/cable/cable.gateway.js';
import { loadCableConfig } from '../../../src/capabilities.js';
import { SessionRegistry } from '../../../src/hub/session-registry.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';
import { waitFor } from '../../support/raw-client.js';

async function contextFor(argv: string[]) {
  const outcome = loadCableConfig({ argv: ['--ignore-config-path', ...argv], env: {}, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
  const lines: Array<Record<string, unknown>> = [];
  const logger = new CableLogger({ level: 'debug', format: 'json', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(outcome.config, logger), { logger, abortOnError: false });
  return { ctx, lines };
}

describe('CableModule wiring at bootstrap', () => {
  it('takes the routing table at bootstrap and reports channels and fallback', async () => {
    const { ctx, lines } = await contextFor(['--turbo_streams', '--turbo_streams_secret', 't']);
    expect(ctx.get(CableGateway)).toBeInstanceOf(CableGateway);
    expect(lines.find((l) => l.msg === 'cable gateway ready')).toMatchObject({ channels: '$pubsub,Turbo::StreamsChannel', fallback: 'rpc' });
    await ctx.close();
  });

  it('starts the identification deadline sweep with identify_timeout', async () => {
    const { ctx } = await contextFor(['--identify_timeout', '0.2']);
    const registry = ctx.get(SessionRegistry);
    const reasons: string[] = [];
    const slow = { sid: 'slow', identifiers: '', isOpen: false, disconnect: (reason: string) => reasons.push(reason), sendControl() {}, terminate() {} };
    registry.add(slow);
    await waitFor(() => reasons.length > 0, 2000, 'the sweep');
    expect(reasons).toEqual(['idle_timeout']);
    registry.remove(slow);
    await ctx.close();
  });
});
