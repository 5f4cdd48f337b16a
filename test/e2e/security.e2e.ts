/**
 * Regression tests for the attacks of the security review: each one is played
 * against the running app with real or hand-written sockets, and a bystander
 * client must keep receiving broadcasts (checked with a sentinel broadcast).
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { Counters } from '../../src/metrics/counters.js';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient, waitFor } from '../support/raw-client.js';
import { clientFrame, rawRequest, rawWebSocket, upgradeRequest } from '../support/raw-socket.js';
import { describeWith } from '../support/describe-with.js';
import { REDIS, TEST_REDIS_URL } from '../support/requirements.js';
import { fixtures, JWT_FIXTURES, vector } from '../unit/auth/jwt-fixtures.js';

/** A client subscribed to a public stream; `stillServed()` posts a numbered sentinel and waits for it. */
async function bystander(app: TestApp): Promise<{ client: RawClient; stillServed: () => Promise<void> }> {
  const stream = `bystander-${randomUUID()}`;
  const client = await RawClient.welcomed(app.wsUrl());
  await client.subscribe(pubsubIdentifier(stream));
  let n = 0;
  return {
    client,
    stillServed: async () => {
      const data = JSON.stringify({ sentinel: ++n });
      expect((await postBroadcast(app, { stream, data })).status).toBe(201);
      await client.next((f) => JSON.stringify(f.message) === data, 5000);
    },
  };
}

const errorLogs = (app: TestApp) => app.logs.filter((line) => JSON.parse(line).level === 'error');
const limitHits = (app: TestApp, limit: string) => app.app.get(Counters).get(`limit_hits_total:${limit}`);

describe('upgrade requests with a Host header no URL can be built from', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public']);
  });
  afterAll(() => app.close());

  it.each(['x:99999', '[', 'a b', '%', '::1', 'a:b:c', '', 'x:-1'])('answers Host %j with 400 and keeps serving everyone else', async (host) => {
    const { stillServed } = await bystander(app);
    const raw = await rawRequest(app.port, upgradeRequest(host));
    expect(await raw.status()).toBe(400);
    await stillServed();
    expect(errorLogs(app)).toEqual([]);
  });

  it('still upgrades ordinary hosts (name, IPv4, bracketed IPv6, with ports)', async () => {
    for (const host of ['example.com', 'localhost:8080', '127.0.0.1', '[::1]:3334', 'my_host.internal']) {
      const raw = await rawRequest(app.port, upgradeRequest(host));
      expect([host, await raw.status()]).toEqual([host, 101]);
      raw.socket.destroy();
    }
  });
});

describe('graceful shutdown of the production entry', () => {
  it('refuses upgrades once draining, terminates what is left at shutdown_timeout and exits 0 on time', async () => {
    const child = spawn(process.execPath, ['dist/main.js', '--public', '--host', '127.0.0.1', '--port', '0', '--ignore-config-path', '--shutdown_timeout', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const port = Number(await waitFor(() => /cablecar listening .*port=(\d+)/.exec(out)?.[1], 15000, 'server start'));
    // A client that completes the handshake and then never reads: it cannot answer the close handshake.
    const stubborn = await rawWebSocket(port);
    stubborn.socket.pause();
    const polite = await RawClient.welcomed(`ws://127.0.0.1:${port}/cable`);
    const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.once('exit', (code) => resolve({ code, at: Date.now() })));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    expect(await polite.next()).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
    // Reconnecting right away, as reconnect:true invites, is refused while draining.
    await expect(RawClient.connect(`ws://127.0.0.1:${port}/cable`)).rejects.toThrow(/HTTP 503/);
    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(2000 + 3000);
    stubborn.socket.destroy();
  }, 30000);
});

describe('outgoing buffers of a client that never reads', () => {
  let app: TestApp;
  beforeAll(async () => {
    // command_rate 0: this test is about the outgoing cap, not the rate limit.
    app = await startApp(['--public', '--ping_interval', '0', '--ws_max_pending_size', '65536', '--command_rate', '0']);
  });
  afterAll(() => app.close());

  it('counts pongs against ws_max_pending_size and cuts the client off as too_slow', async () => {
    const { stillServed } = await bystander(app);
    const raw = await rawWebSocket(app.port);
    raw.socket.pause();
    const ping = clientFrame('{"command":"ping"}');
    const batch = Buffer.concat(Array.from({ length: 4096 }, () => ping));
    // Up to 48 MiB; stops as soon as the server has cut the client off.
    for (let i = 0; i < 512 && limitHits(app, 'ws_max_pending_size') === 0; i++) {
      if (!raw.socket.write(batch)) await Promise.race([new Promise((r) => raw.socket.once('drain', r)), waitFor(() => limitHits(app, 'ws_max_pending_size') > 0, 10000, 'cut-off').catch(() => undefined)]);
    }
    await waitFor(() => limitHits(app, 'ws_max_pending_size') > 0, 10000, 'too_slow cut-off');
    expect(app.logs.some((l) => l.includes('"limit":"ws_max_pending_size"') && l.includes('"level":"info"'))).toBe(true);
    raw.socket.destroy();
    await stillServed();
  }, 60000);
});

describe('per-connection bounds', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public', '--max_subscriptions', '5', '--max_identifiers_per_stream', '3', '--whisper_rate', '5', '--whisper_burst', '10', '--command_burst', '50', '--command_rate', '10']);
  });
  afterAll(() => app.close());

  it('rejects subscriptions past max_subscriptions', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    for (let i = 0; i < 5; i++) expect((await client.subscribe(pubsubIdentifier(`s${i}`))).type).toBe('confirm_subscription');
    expect((await client.subscribe(pubsubIdentifier('s5'))).type).toBe('reject_subscription');
    expect(limitHits(app, 'max_subscriptions')).toBeGreaterThan(0);
    client.close();
  });

  it('rejects more than max_identifiers_per_stream identifiers on one stream, and the fan-out stays bounded', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const ids = [0, 1, 2, 3].map((n) => JSON.stringify({ channel: '$pubsub', stream_name: 'amplified', n }));
    for (const id of ids.slice(0, 3)) expect((await client.subscribe(id)).type).toBe('confirm_subscription');
    expect((await client.subscribe(ids[3])).type).toBe('reject_subscription');
    await postBroadcast(app, { stream: 'amplified', data: '"once"' });
    await postBroadcast(app, { stream: 'amplified', data: '"sentinel"' });
    await client.next((f) => f.message === 'sentinel' && f.identifier === ids[2]);
    expect(client.frames.filter((f) => f.message === 'once').map((f) => f.identifier)).toEqual(ids.slice(0, 3));
    client.close();
  });

  it('drops whispers past whisper_rate, logs once at info and counts every drop', async () => {
    const id = pubsubIdentifier('whispers');
    const listener = await RawClient.welcomed(app.wsUrl());
    await listener.subscribe(id);
    const whisperer = await RawClient.welcomed(app.wsUrl());
    await whisperer.subscribe(id);
    for (let i = 0; i < 30; i++) whisperer.send({ command: 'whisper', identifier: id, data: { i } });
    // Sentinel: the whisperer's pong comes after all its whispers were handled, then a broadcast after that.
    whisperer.send({ command: 'ping' });
    await whisperer.next((f) => f.type === 'pong');
    await postBroadcast(app, { stream: 'whispers', data: '"after"' });
    await listener.next((f) => f.message === 'after');
    const heard = listener.frames.filter((f) => typeof f.message === 'object' && f.message !== null && 'i' in f.message);
    expect(heard.length).toBeGreaterThanOrEqual(10);
    expect(heard.length).toBeLessThan(30);
    expect(limitHits(app, 'whisper_rate')).toBe(30 - heard.length);
    expect(app.logs.filter((l) => l.includes('"limit":"whisper_rate"') && l.includes('"level":"info"'))).toHaveLength(1);
    listener.close();
    whisperer.close();
  });

  it('disconnects a connection past command_rate with rate_limited; others keep being served', async () => {
    const { stillServed } = await bystander(app);
    const flooder = await RawClient.welcomed(app.wsUrl());
    for (let i = 0; i < 200; i++) flooder.send({ command: 'ping' });
    expect(await flooder.next((f) => f.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'rate_limited', reconnect: true });
    expect(await flooder.closed()).toBe(1008);
    expect(flooder.frames.filter((f) => f.type === 'pong').length).toBeLessThanOrEqual(51);
    await stillServed();
  });
});

/**
 * A JWKS endpoint that answers the boot fetch and holds every later request (the
 * refresh for an unknown kid) until the test calls `release()`, if ever.
 */
async function heldJwks(): Promise<{ url: string; requests: () => number; release: () => (() => void) | undefined; close: () => Promise<void> }> {
  let requests = 0;
  let release: (() => void) | undefined;
  const server = createServer((_req, res) => {
    const answer = (file: string) => () => res.writeHead(200, { 'Content-Type': 'application/json' }).end(readFileSync(join(JWT_FIXTURES, file)));
    if (++requests === 1) answer('jwks.json')();
    else release = answer('jwks-rotated.json');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    requests: () => requests,
    release: () => release,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe('frames sent while identification is pending', () => {
  let app: TestApp;
  let jwks: Awaited<ReturnType<typeof heldJwks>>;
  beforeAll(async () => {
    jwks = await heldJwks();
    app = await startApp(['--jwt_jwks_url', jwks.url, '--command_rate', '0', '--public_streams']);
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('are not read until it completes (the socket is paused), then handled in order', async () => {
    const client = await RawClient.connect(`${app.wsUrl()}?jid=${vector('RS256 by the rotated-in key (kid rsa-2)').token}`);
    const release = await waitFor(() => jwks.release(), 5000, 'the JWKS refresh to start');
    const padding = 'x'.repeat(60_000);
    for (let i = 0; i < 40; i++) client.send({ command: 'ping', padding, i }); // 2.4 MB, ten times the backlog cap
    await waitFor(() => client.ws.bufferedAmount === 0 || undefined, 5000, 'the client to hand its frames to the kernel');
    release();
    expect(await client.next()).toMatchObject({ type: 'welcome' });
    for (let i = 0; i < 40; i++) await client.next((f) => f.type === 'pong', 5000);
    expect(limitHits(app, 'pending_frames')).toBe(0);
    client.close();
  }, 30000);
});

describe('identification that never finishes', () => {
  let app: TestApp;
  let jwks: Awaited<ReturnType<typeof heldJwks>>;
  beforeAll(async () => {
    jwks = await heldJwks();
    app = await startApp(['--jwt_jwks_url', jwks.url, '--identify_timeout', '1', '--public']);
  });
  afterAll(async () => {
    await app.close();
    await jwks.close();
  });

  it('is closed with idle_timeout once identify_timeout has passed; other connections are served', async () => {
    const { stillServed } = await bystander(app);
    const startedAt = Date.now();
    const hung = await RawClient.connect(`${app.wsUrl()}?jid=${vector('RS256 by the rotated-in key (kid rsa-2)').token}`);
    expect(await hung.next(undefined, 5000)).toEqual({ type: 'disconnect', reason: 'idle_timeout', reconnect: false });
    expect(await hung.closed()).toBe(1000);
    expect(hung.closeReason).toBe('Idle Timeout');
    const waited = Date.now() - startedAt;
    expect(waited).toBeGreaterThanOrEqual(900);
    expect(waited).toBeLessThan(3000);
    expect(jwks.requests()).toBe(2);
    await stillServed();
    expect(errorLogs(app)).toEqual([]);
  }, 15000);
});

describe('messages sent in fragments', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public', '--ping_interval', '0']);
  });
  afterAll(() => app.close());

  it('closes a message of one-byte fragments with 1009 once it passes the fragment cap', async () => {
    const { stillServed } = await bystander(app);
    const raw = await rawWebSocket(app.port);
    const text = JSON.stringify({ command: 'ping', pad: 'y'.repeat(200) });
    const frames = [clientFrame(text[0], 1, false), ...[...text.slice(1)].map((c) => clientFrame(c, 0, false))];
    raw.socket.write(Buffer.concat(frames));
    // Close frame, 20-byte payload, code 1009 "Too many fragments".
    await waitFor(() => raw.received().includes('\x88\x14\x03\xf1Too many fragments'), 3000, 'close 1009');
    expect(limitHits(app, 'fragments')).toBe(1);
    raw.socket.destroy();
    await stillServed();
  });

  it('still accepts a message in a few fragments', async () => {
    const raw = await rawWebSocket(app.port);
    const text = '{"command":"ping"}';
    raw.socket.write(Buffer.concat([clientFrame(text.slice(0, 5), 1, false), clientFrame(text.slice(5, 10), 0, false), clientFrame(text.slice(10), 0, true)]));
    await waitFor(() => raw.received().includes('{"type":"pong"}'), 3000, 'pong');
    raw.socket.destroy();
  });

  it('closes a fragmented message that does not finish within 10 s with 1008', async () => {
    const raw = await rawWebSocket(app.port);
    raw.socket.write(clientFrame('{"command"', 1, false));
    await waitFor(() => raw.received().includes('\x88\x11\x03\xf0'), 15000, 'close 1008 "Message timeout"');
    raw.socket.destroy();
  }, 20000);
});

describe('client input never reaches the error log', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public']);
  });
  afterAll(() => app.close());

  it('ignores a whisper whose data nests thousands of levels deep, at debug level', async () => {
    const id = pubsubIdentifier('deep');
    const client = await RawClient.welcomed(app.wsUrl());
    await client.subscribe(id);
    client.send(`{"command":"whisper","identifier":${JSON.stringify(id)},"data":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    client.send({ command: 'ping' });
    await client.next((f) => f.type === 'pong');
    expect(errorLogs(app)).toEqual([]);
    expect(app.logs.some((l) => l.includes('whisper ignored: data cannot be re-encoded'))).toBe(true);
    client.close();
  });
});

describe('the HTTP endpoints', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public']);
  });
  afterAll(() => app.close());

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', ''])('answers a broadcast with Content-Type %j with 415 and delivers nothing', async (type) => {
    const { client, stillServed } = await bystander(app);
    const stream = JSON.parse(client.frames.find((f) => f.type === 'confirm_subscription')!.identifier as string).stream_name;
    const res = await fetch(app.httpUrl('/_broadcast'), { method: 'POST', headers: type ? { 'Content-Type': type } : {}, body: JSON.stringify({ stream, data: '"smuggled"' }) });
    expect(res.status).toBe(415);
    expect(await res.json()).toEqual({ error: 'Content-Type must be application/json', code: 'unsupported_media_type' });
    await stillServed();
    expect(client.frames.some((f) => f.message === 'smuggled')).toBe(false);
  });

  it('accepts application/json with a charset and +json types', async () => {
    expect((await postBroadcast(app, { stream: 's', data: '1' }, { 'Content-Type': 'application/json; charset=utf-8' })).status).toBe(201);
    expect((await postBroadcast(app, { stream: 's', data: '1' }, { 'Content-Type': 'application/vnd.api+json' })).status).toBe(201);
  });

  it.each(['/_broadcast/', '/_BROADCAST', '/_Broadcast', '/_broadcast/x'])('answers only on the exact broadcast path, not %s', async (path) => {
    expect((await postBroadcast(app, { stream: 's', data: '1' }, {}, path)).status).toBe(404);
  });

  it('sends no X-Powered-By header', async () => {
    for (const path of ['/health', '/_broadcast', '/nowhere']) {
      const res = await fetch(app.httpUrl(path));
      expect([path, res.headers.get('x-powered-by')]).toEqual([path, null]);
    }
  });
});

(await describeWith(REDIS))('single-use tokens with a far exp in the Redis replay store', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--jwt_single_use', '--jwt_replay_store', 'redis', '--redis_url', TEST_REDIS_URL]);
  });
  afterAll(() => app.close());

  it('accepts the token once and refuses the replay, like the memory store (no server-error close)', async () => {
    const token = issueToken({ identifiers: { user_id: 7, nonce: randomUUID() }, key: fixtures.secret, ttlSeconds: 1e17 });
    const first = await RawClient.connect(`${app.wsUrl()}?jid=${token}`);
    expect(await first.next()).toMatchObject({ type: 'welcome' });
    first.close();
    const replay = await RawClient.connect(`${app.wsUrl()}?jid=${token}`);
    expect(await replay.next()).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
    expect(await replay.closed()).toBe(1000);
    expect(errorLogs(app)).toEqual([]);
  });
});
