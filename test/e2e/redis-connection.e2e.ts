/**
 * How the Redis edges connect, against real redis-server processes of the test's
 * own: `rediss://` with and without `redis_tls_verify` (a TLS Redis with the test
 * CA of test/fixtures/rpc/tls), and a master found through a Redis Sentinel.
 */
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { startApp, type TestApp } from '../support/app.js';
import { describeWith } from '../support/describe-with.js';
import { REDIS_SERVER_BINARY } from '../support/requirements.js';
import { eventually, OwnServer, railsSubscriber, unique, untilHeard } from '../support/scale.js';

const TLS = join(process.cwd(), 'test/fixtures/rpc/tls');
const edge = async (app: TestApp, name: string) => {
  const body = (await (await fetch(app.httpUrl('/ready'))).json()) as { edges: { name: string; state: string; detail?: string }[] };
  return body.edges.find((e) => e.name === name);
};

(await describeWith(REDIS_SERVER_BINARY))('Redis over TLS (rediss://)', () => {
  let server: OwnServer;
  let publisher: Redis;
  beforeAll(async () => {
    server = await OwnServer.custom('redis-server', (port) => ['--port', '0', '--tls-port', String(port), '--bind', '127.0.0.1', '--save', '', '--tls-cert-file', join(TLS, 'server.pem'), '--tls-key-file', join(TLS, 'server.key'), '--tls-ca-cert-file', join(TLS, 'ca.pem'), '--tls-auth-clients', 'no']);
    await server.start();
    publisher = new Redis({ host: '127.0.0.1', port: server.port, tls: { ca: readFileSync(join(TLS, 'ca.pem')) } });
  });
  afterAll(async () => {
    publisher.disconnect();
    await server.stop();
  });

  it('connects without verifying the certificate by default (as anycable-go) and delivers', async () => {
    const channel = unique('cc-tls');
    const app = await startApp(['--public', '--broadcast_adapter', 'redis', '--redis_url', `rediss://127.0.0.1:${server.port}`, '--redis_channel', channel, '--pubsub', 'none']);
    try {
      await eventually(async () => (await edge(app, 'broadcaster:redis'))?.state === 'up', 5000, 'TLS broadcaster up');
      const stream = unique('secure');
      const client = await railsSubscriber(app.wsUrl(), stream);
      await untilHeard(() => publisher.publish(channel, JSON.stringify({ stream, data: '"over tls"' })), () => client.received.length > 0);
      expect(client.received[0]).toBe('over tls');
      client.close();
    } finally {
      await app.close();
    }
  });

  it('refuses a certificate it cannot verify with redis_tls_verify, and says so on the readiness path', async () => {
    const app = await startApp(['--public', '--broadcast_adapter', 'redis', '--redis_url', `rediss://127.0.0.1:${server.port}`, '--redis_tls_verify', '--pubsub', 'none']);
    try {
      const down = await eventually(async () => {
        const e = await edge(app, 'broadcaster:redis');
        return e?.state === 'down' ? e : undefined;
      }, 5000, 'TLS broadcaster down');
      expect(down.detail).toMatch(/certificate/i);
      expect((await fetch(app.httpUrl('/ready'))).status).toBe(503);
    } finally {
      await app.close();
    }
  });
});

(await describeWith(REDIS_SERVER_BINARY))('Redis through a Sentinel (redis_sentinels)', () => {
  let master: OwnServer;
  let sentinel: OwnServer;
  let dir: string;
  beforeAll(async () => {
    master = await OwnServer.redis();
    await master.start();
    dir = mkdtempSync(join(tmpdir(), 'cablecar-sentinel-'));
    sentinel = await OwnServer.custom('redis-server', (port) => {
      // why a file: a Sentinel rewrites its config file, so it must have one.
      writeFileSync(join(dir, 'sentinel.conf'), `port ${port}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 ${master.port} 1\n`);
      return [join(dir, 'sentinel.conf'), '--sentinel'];
    });
    await sentinel.start();
  });
  afterAll(async () => {
    await sentinel.stop();
    await master.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks the Sentinel for the master named in redis_url and delivers through the broadcaster and the pub/sub', async () => {
    const channel = unique('cc-sentinel');
    const app = await startApp(['--public', '--broadcast_adapter', 'http,redis', '--redis_url', 'redis://mymaster', '--redis_sentinels', `127.0.0.1:${sentinel.port}`, '--redis_channel', channel, '--pubsub', 'redis', '--redis_pubsub_channel', unique('cc-int')]);
    const publisher = new Redis({ host: '127.0.0.1', port: master.port });
    try {
      await eventually(async () => (await fetch(app.httpUrl('/ready'))).status === 200, 10_000, 'ready through the Sentinel');
      const stream = unique('watched');
      const client = await railsSubscriber(app.wsUrl(), stream);
      await untilHeard(() => publisher.publish(channel, JSON.stringify({ stream, data: '"via redis"' })), () => client.received.includes('via redis'));
      await untilHeard(() => fetch(app.httpUrl('/_broadcast'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ stream, data: '"via pubsub"' }) }), () => client.received.includes('via pubsub'));
      client.close();
    } finally {
      publisher.disconnect();
      await app.close();
    }
  });
});
