import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadCableConfig } from '../../../src/capabilities.js';
import { CableConfigModule } from '../../../src/config/cable-config.module.js';
import { HEALTH_BODY, HealthModule } from '../../../src/health/health.module.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';

describe('HealthModule wiring', () => {
  it('serves liveness on health-path from the server slice', async () => {
    const outcome = loadCableConfig({ argv: ['--ignore-config-path', '--health-path', '/up'], env: {}, cwd: '/' });
    if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
    const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });
    @Module({ imports: [CableConfigModule.forRoot(outcome.config, logger), HealthModule] })
    class RootModule {}
    const app = await NestFactory.create(RootModule, { logger });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const up = await fetch(`${base}/up`);
    expect([up.status, await up.text()]).toEqual([200, HEALTH_BODY]);
    expect((await fetch(`${base}/health`)).status).toBe(404);
    await app.close();
  });
});
