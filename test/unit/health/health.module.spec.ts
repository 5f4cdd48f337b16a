import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { HEALTH_BODY, HealthModule } from '../../../src/health/health.module.js';
import { quietLogger, rootModuleWith, testConfig } from '../../support/modules.js';

describe('HealthModule wiring', () => {
  it('serves liveness on health-path from the server slice', async () => {
    const logger = quietLogger();
    const app = await NestFactory.create(rootModuleWith(testConfig(['--health-path', '/up']).config, logger, [HealthModule]), { logger });
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const up = await fetch(`${base}/up`);
    expect([up.status, await up.text()]).toEqual([200, HEALTH_BODY]);
    expect((await fetch(`${base}/health`)).status).toBe(404);
    await app.close();
  });
});
