/**
 * Keepalive as anycable-go does it: `pong_timeout` for `actioncable-v1-ext-json` sessions
 * (`no_pong`), and per-connection `?pi=` / `?ptp=` ping settings, over real WebSockets.
 */
import { createCable } from '@anycable/core';
import WebSocket from 'ws';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient, waitFor, type Frame } from '../support/raw-client.js';

const EXT = 'actioncable-v1-ext-json';
const isPing = (f: Frame) => f.type === 'ping';
const pingsOf = (client: RawClient) => client.frames.filter(isPing).length;

/** Subscribe to `stream`, wait until `pings` pings have arrived, then show the client is alive: a broadcast reaches it and nothing else came first. */
async function aliveAfterPings(app: TestApp, client: RawClient, stream: string, pings: number): Promise<void> {
  const identifier = pubsubIdentifier(stream);
  expect(await client.subscribe(identifier)).toEqual({ identifier, type: 'confirm_subscription' });
  await waitFor(() => pingsOf(client) >= pings, 15_000, `${pings} pings`);
  expect((await postBroadcast(app, { stream, data: '"still here"' })).status).toBe(201);
  expect(await client.framesBefore((f) => f.identifier === identifier && f.message === 'still here')).toEqual([]);
  expect(client.closeCode).toBeUndefined();
}

describe('pong_timeout', () => {
  let app: TestApp;
  beforeAll(async () => {
    // 0.2 s pings, 0.6 s to answer: a silent ext client is cut off after 0.6 to 0.8 s.
    app = await startApp(['--public', '--ping_interval', '0.2', '--pong_timeout', '0.6']);
  });
  afterAll(() => app.close());

  it('negotiates actioncable-v1-ext-json when the client offers only it', async () => {
    const client = await RawClient.welcomed(app.wsUrl(), { protocols: [EXT] });
    expect(client.ws.protocol).toBe(EXT);
    client.close();
  });

  it('prefers actioncable-v1-json when the client offers both (anycable-go order)', async () => {
    const client = await RawClient.welcomed(app.wsUrl(), { protocols: [EXT, 'actioncable-v1-json'] });
    expect(client.ws.protocol).toBe('actioncable-v1-json');
    client.close();
  });

  it('disconnects an ext-protocol client that does not answer pings with no_pong and closes 1000 "No Pong"', async () => {
    const client = await RawClient.welcomed(app.wsUrl(), { protocols: [EXT] });
    expect(await client.next((f) => f.type === 'disconnect', 5000)).toEqual({ type: 'disconnect', reason: 'no_pong', reconnect: true });
    expect(await client.closed()).toBe(1000);
    expect(client.closeReason).toBe('No Pong');
    expect(pingsOf(client)).toBeGreaterThanOrEqual(1);
  });

  it('keeps an ext-protocol client that answers every ping with a pong, past several timeouts', async () => {
    const client = await RawClient.welcomed(app.wsUrl(), { protocols: [EXT] });
    client.ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as Frame).type === 'ping') client.send({ command: 'pong' });
    });
    // 12 pings = 2.4 s = 4 timeouts.
    await aliveAfterPings(app, client, 'pongs:answered', 12);
    client.close();
  });

  it('counts any client frame as keepalive, not only pongs', async () => {
    const client = await RawClient.welcomed(app.wsUrl(), { protocols: [EXT] });
    client.ws.on('message', (data) => {
      if ((JSON.parse(data.toString()) as Frame).type === 'ping') client.send({ command: 'message', identifier: 'unknown', data: '{}' });
    });
    await aliveAfterPings(app, client, 'pongs:other-frames', 12);
    client.close();
  });

  it('keeps @anycable/core on the ext protocol with pongs on (protocolOptions.pongs) connected past several timeouts', async () => {
    const cable = createCable(app.wsUrl(), { websocketImplementation: WebSocket, protocol: EXT, protocolOptions: { pongs: true }, logLevel: 'error' });
    const channel = cable.streamFrom('pongs:anycable-core');
    const received: unknown[] = [];
    channel.on('message', (msg: unknown) => received.push(msg));
    const disconnects: unknown[] = [];
    cable.on('disconnect', (event: unknown) => disconnects.push(event));
    // A raw plain-protocol client is the clock: its pings count the time passing.
    const clock = await RawClient.welcomed(app.wsUrl());
    try {
      await channel.ensureSubscribed();
      const start = pingsOf(clock);
      await waitFor(() => pingsOf(clock) >= start + 12, 15_000, '12 pings (4 pong timeouts)');
      expect((await postBroadcast(app, { stream: 'pongs:anycable-core', data: '{"n":1}' })).status).toBe(201);
      await waitFor(() => received.length === 1, 5000, 'the broadcast');
      expect(received).toEqual([{ n: 1 }]);
      expect(cable.state).toBe('connected');
      expect(disconnects).toEqual([]);
    } finally {
      cable.disconnect();
      clock.close();
    }
  });

  it('never cuts off a plain actioncable-v1-json client for missing pongs', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    expect(client.ws.protocol).toBe('actioncable-v1-json');
    await aliveAfterPings(app, client, 'pongs:plain', 12);
    client.close();
  });
});

describe('per-connection ping settings from the query (?pi, ?ptp)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public', '--ping_interval', '0.2']);
  });
  afterAll(() => app.close());

  it('pings a ?pi=1 connection every second while the others keep the 0.2 s default', async () => {
    const [slow, usual] = await Promise.all([RawClient.welcomed(app.wsUrl() + '?pi=1'), RawClient.welcomed(app.wsUrl())]);
    await slow.next(isPing, 5000);
    // why a ratio, not a clock: both timers run on the same loop, so under load both slip alike.
    expect(pingsOf(usual)).toBeGreaterThanOrEqual(3);
    slow.close();
    usual.close();
  });

  it('stamps pings in the precision ?ptp asks for (ms, ns), seconds otherwise', async () => {
    const [ms, ns, s] = await Promise.all([RawClient.welcomed(app.wsUrl() + '?ptp=ms'), RawClient.welcomed(app.wsUrl() + '?ptp=ns'), RawClient.welcomed(app.wsUrl() + '?ptp=s')]);
    await Promise.all([ms, ns, s].map((c) => c.next(isPing, 3000)));
    const stamp = (client: RawClient) => client.texts.find((t) => t.includes('"ping"'))!;
    const now = Date.now();
    expect(Math.abs(Number(/"message":(\d+)/.exec(stamp(ms))![1]) - now)).toBeLessThan(5000);
    expect(stamp(ns)).toMatch(/^\{"type":"ping","message":\d{19}\}$/);
    expect(Math.abs(Number(/"message":(\d+)/.exec(stamp(s))![1]) - now / 1000)).toBeLessThan(5);
    [ms, ns, s].forEach((c) => c.close());
  });

  it('ignores bad values with a debug log (default pings, connection served) and keeps serving others', async () => {
    const url = app.wsUrl() + '?pi=abc&ptp=us';
    const client = await RawClient.welcomed(url);
    const ping = await client.next(isPing, 3000);
    expect(Math.abs((ping.message as number) - Date.now() / 1000)).toBeLessThan(5);
    for (const bad of ['?pi=0', '?pi=-5', '?pi=1.5', '?pi=99999999', '?pi=' + 'x'.repeat(500)]) {
      const other = await RawClient.welcomed(app.wsUrl() + bad);
      await other.next(isPing, 3000);
      other.close();
    }
    const lines = app.logs.filter((line) => line.includes('query parameter ignored'));
    expect(lines.some((line) => line.includes('"param":"pi"') && line.includes('"value":"abc"'))).toBe(true);
    expect(lines.some((line) => line.includes('"param":"ptp"') && line.includes('"value":"us"'))).toBe(true);
    expect(lines.every((line) => line.includes('"level":"debug"'))).toBe(true);
    expect(lines.every((line) => !line.includes('x'.repeat(33)))).toBe(true);
    const fresh = await RawClient.welcomed(app.wsUrl());
    fresh.close();
    client.close();
  });
});
