import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { readinessReport } from '../../../src/health/readiness.js';
import { HealthModule } from '../../../src/health/health.module.js';
import { EdgeRegistry } from '../../../src/lifecycle/edge-registry.js';
import { quietLogger, rootModuleWith, testConfig } from '../../support/modules.js';

describe('readinessReport', () => {
  it('is ready only when every required edge is up; a non-required one may be down', () => {
    expect(readinessReport([{ name: 'a', state: 'up' }], {}).status).toBe('ready');
    expect(readinessReport([{ name: 'a', state: 'up' }, { name: 'b', state: 'starting' }], {}).status).toBe('not_ready');
    expect(readinessReport([{ name: 'a', state: 'down' }], {}).status).toBe('not_ready');
    expect(readinessReport([{ name: 'jwks', state: 'down', required: false }], {}).status).toBe('ready');
    expect(readinessReport([], {}).status).toBe('ready');
  });

  it('shows the broadcast-road counters only', () => {
    const counters = { 'dropped_publications_total:pubsub:redis': 3, 'pubsub_received_total:pubsub:redis': 9, 'limit_hits_total:command_rate': 4 };
    expect(readinessReport([], counters).counters).toEqual({ 'dropped_publications_total:pubsub:redis': 3, 'pubsub_received_total:pubsub:redis': 9 });
  });
});

describe('HealthModule readiness endpoint', () => {
  it('answers on readiness_path with 200 or 503 and the registered edges as JSON, while health stays 200', async () => {
    const logger = quietLogger();
    const app = await NestFactory.create(rootModuleWith(testConfig(['--readiness_path', '/readyz']).config, logger, [HealthModule]), { logger });
    let state: 'up' | 'down' = 'up';
    app.get(EdgeRegistry).register(() => [{ start: async () => undefined, stop: async () => undefined, readiness: () => ({ name: 'pubsub:redis', state, detail: 'x' }) }]);
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const up = await fetch(`${base}/readyz`);
    expect([up.status, up.headers.get('cache-control'), await up.json()]).toEqual([200, 'no-store', { status: 'ready', edges: [{ name: 'pubsub:redis', state: 'up', detail: 'x' }], counters: {} }]);
    state = 'down';
    const down = await fetch(`${base}/readyz`);
    expect([down.status, ((await down.json()) as { status: string }).status]).toEqual([503, 'not_ready']);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    await app.close();
  });
});
