import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { BroadcastModule } from '../../../src/broadcast/broadcast.module.js';
import { HubModule } from '../../../src/hub.module.js';
import { quietLogger, rootModuleWith, testConfig } from '../../support/modules.js';

/** BroadcastModule alone, with its slice, listening on a free port. */
async function boot(argv: string[]) {
  const logger = quietLogger();
  const app = await NestFactory.create(rootModuleWith(testConfig(argv).config, logger, [HubModule, BroadcastModule]), { logger, bodyParser: false });
  await app.listen(0, '127.0.0.1');
  const post = (path: string, key?: string) =>
    fetch(`http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ stream: 's', data: '1' }),
    }).then((res) => res.status);
  return { app, post };
}

describe('BroadcastModule wiring', () => {
  it('mounts the HTTP broadcaster from the broadcast slice: its path and its key', async () => {
    const { app, post } = await boot(['--http_broadcast_path', '/in', '--broadcast_key', 'k']);
    expect(await post('/in', 'k')).toBe(201);
    expect(await post('/in', 'wrong')).toBe(401);
    expect(await post('/_broadcast', 'k')).toBe(404);
    await app.close();
  });

  it('mounts nothing when the http adapter is off', async () => {
    const { app, post } = await boot(['--broadcast_adapter', '', '--public']);
    expect(await post('/_broadcast')).toBe(404);
    await app.close();
  });
});
