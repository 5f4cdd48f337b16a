/** Fan-out at volume, slow-client cut-off, and graceful shutdown. */
import { spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient, waitFor } from '../support/raw-client.js';

describe('fan-out', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public', '--ping_interval', '0', '--log_level', 'info']);
  });
  afterAll(() => app.close());

  it('delivers 1000 broadcasts in order to each of 200 clients on one stream', async () => {
    const id = pubsubIdentifier('firehose');
    const clients: RawClient[] = [];
    for (let i = 0; i < 200; i += 50) {
      const batch = await Promise.all(Array.from({ length: 50 }, () => RawClient.welcomed(app.wsUrl())));
      await Promise.all(batch.map((c) => c.subscribe(id)));
      clients.push(...batch);
    }
    for (let i = 0; i < 1000; i += 100) {
      const items = Array.from({ length: 100 }, (_, k) => ({ stream: 'firehose', data: JSON.stringify({ seq: i + k }) }));
      expect((await postBroadcast(app, items)).status).toBe(201);
    }
    await waitFor(() => clients.every((c) => c.frames.length >= 1002), 20000, 'all deliveries');
    for (const client of clients) {
      const seqs = client.frames.filter((f) => 'message' in f).map((f) => (f.message as { seq: number }).seq);
      expect(seqs).toEqual(Array.from({ length: 1000 }, (_, k) => k));
    }
    clients.forEach((c) => c.close());
  }, 60000);
});

describe('slow clients', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public', '--ping_interval', '0', '--ws_max_pending_size', '65536']);
  });
  afterAll(() => app.close());

  it('disconnects a client that stops reading with too_slow; a reading client keeps up', async () => {
    const id = pubsubIdentifier('slow');
    const fast = await RawClient.welcomed(app.wsUrl());
    await fast.subscribe(id);
    // A raw TCP client that completes the handshake and subscribes, then never reads again.
    const socket = createConnection({ host: '127.0.0.1', port: app.port });
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      'GET /cable HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: actioncable-v1-json\r\n\r\n',
    );
    const sub = Buffer.from(JSON.stringify({ command: 'subscribe', identifier: id }));
    const mask = Buffer.from([1, 2, 3, 4]);
    const header = Buffer.from([0x81, 0x80 | 126, sub.length >> 8, sub.length & 255]);
    socket.write(Buffer.concat([header, mask, Buffer.from(sub.map((b, i) => b ^ mask[i % 4]))]));
    let received = '';
    socket.on('data', (d) => (received += d.toString('latin1')));
    await waitFor(() => received.includes('confirm_subscription'), 3000, 'slow client confirmed');
    socket.pause();
    const chunk = JSON.stringify('x'.repeat(16 * 1024));
    for (let i = 0; i < 200; i++) await postBroadcast(app, Array.from({ length: 5 }, () => ({ stream: 'slow', data: chunk })));
    await waitFor(() => app.logs.some((l) => l.includes('"limit":"ws_max_pending_size"')), 10000, 'too_slow log');
    await waitFor(() => fast.frames.filter((f) => 'message' in f).length === 1000, 10000, 'fast client got everything');
    socket.resume();
    await waitFor(() => received.includes('"reason":"too_slow"') || socket.destroyed, 10000, 'too_slow frame');
    socket.destroy();
    fast.close();
  }, 60000);
});

describe('graceful shutdown', () => {
  it('sends server_restart with reconnect:true and closes with 1001', async () => {
    const app = await startApp(['--public']);
    const clients = await Promise.all([0, 1, 2].map(() => RawClient.welcomed(app.wsUrl())));
    await app.close();
    for (const client of clients) {
      expect(client.nonPing().at(-1)).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
      expect(await client.closed()).toBe(1001);
    }
  });

  it('the production entry drains sessions on SIGTERM and exits', async () => {
    const child = spawn(process.execPath, ['dist/main.js', '--public', '--host', '127.0.0.1', '--port', '0', '--ignore-config-path'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const port = await waitFor(() => /cablecar listening .*port=(\d+)/.exec(out)?.[1], 15000, 'server start');
    const client = await RawClient.welcomed(`ws://127.0.0.1:${port}/cable`);
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
    child.kill('SIGTERM');
    expect(await client.next()).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
    expect(await client.closed()).toBe(1001);
    expect(await exited).toBe('0');
  }, 30000);
});
