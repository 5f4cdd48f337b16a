/** Operations: auth modes, HTTP broadcaster errors, origin and connection limits, pings, remote disconnect. */
import { deriveSecret } from '../../src/config/app.options.js';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient } from '../support/raw-client.js';

describe('--norpc and no identification configured', () => {
  let app: TestApp;
  beforeAll(async () => {
    // startApp adds --norpc (the default would ask a Rails app at localhost:50051); said here as the meaning.
    app = await startApp(['--norpc']);
  });
  afterAll(() => app.close());

  it('disconnects every client without a token as unauthorized and closes with 1000', async () => {
    const client = await RawClient.connect(app.wsUrl());
    expect(await client.next()).toEqual({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
    expect(await client.closed()).toBe(1000);
    expect(client.closeReason).toBe('Auth Failed');
  });

  it('refuses HTTP broadcasts with 401 and says why', async () => {
    const res = await postBroadcast(app, { stream: 's', data: '1' });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body).error).toMatch(/broadcast_key or secret/);
  });

  it('serves /health and 404s other upgrade paths', async () => {
    const res = await fetch(app.httpUrl('/health'));
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/stayin' alive/);
    await expect(RawClient.connect(app.wsUrl('/elsewhere'))).rejects.toThrow(/HTTP 404/);
  });
});

describe('HTTP broadcaster with a secret', () => {
  let app: TestApp;
  const key = deriveSecret('app-secret', 'broadcast-cable');
  beforeAll(async () => {
    app = await startApp(['--noauth', '--public_streams', '--secret', 'app-secret']);
  });
  afterAll(() => app.close());

  it('accepts the derived key and refuses a wrong or missing one', async () => {
    expect((await postBroadcast(app, { stream: 's', data: '1' }, { Authorization: `Bearer ${key}` })).status).toBe(201);
    expect((await postBroadcast(app, { stream: 's', data: '1' }, { Authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await postBroadcast(app, { stream: 's', data: '1' })).status).toBe(401);
    expect(app.logs.join('\n')).not.toContain(key);
  });

  it('answers bad bodies with a clear 4xx and delivers nothing from a bad batch', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    await client.subscribe(pubsubIdentifier('batch'));
    const auth = { Authorization: `Bearer ${key}` };
    const malformed = await postBroadcast(app, '{"stream":', auth);
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body).error).toMatch(/malformed JSON/);
    const badBatch = await postBroadcast(app, [{ stream: 'batch', data: '1' }, { stream: 'batch', data: { not: 'a string' } }], auth);
    expect(badBatch.status).toBe(422);
    expect(JSON.parse(badBatch.body).error).toMatch(/\[1\]: "data" must be a string/);
    const get = await fetch(app.httpUrl('/_broadcast'));
    expect(get.status).toBe(405);
    const big = await postBroadcast(app, { stream: 'batch', data: 'x'.repeat(5 * 1024 * 1024) }, auth);
    expect(big.status).toBe(413);
    await postBroadcast(app, { stream: 'batch', data: '"ok"' }, auth);
    expect(await client.next((f) => 'message' in f)).toMatchObject({ message: 'ok' });
    client.close();
  });

  it('embeds JSON data in the frame verbatim (Rails escapes kept), null as null, other text as a string', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const id = pubsubIdentifier('verbatim');
    await client.subscribe(id);
    const turbo = String.raw`"\u003cturbo-stream action=\"remove\" target=\"x\"\u003e\u003c/turbo-stream\u003e"`;
    const auth = { Authorization: `Bearer ${key}` };
    await postBroadcast(app, [{ stream: 'verbatim', data: turbo }, { stream: 'verbatim', data: 'null' }, { stream: 'verbatim', data: 'not json' }], auth);
    await client.next((f) => f.message === 'not json');
    const prefix = `{"identifier":${JSON.stringify(id)},"message":`;
    expect(client.texts.filter((t) => t.startsWith(prefix))).toEqual([`${prefix}${turbo}}`, `${prefix}null}`, `${prefix}"not json"}`]);
    client.close();
  });

  it('skips meta.exclude_socket and applies broadcast_type', async () => {
    const a = await RawClient.connect(app.wsUrl());
    const welcomeA = await a.next();
    const b = await RawClient.welcomed(app.wsUrl());
    const id = pubsubIdentifier('excl');
    await a.subscribe(id);
    await b.subscribe(id);
    await postBroadcast(app, { stream: 'excl', data: '1', meta: { exclude_socket: welcomeA.sid, broadcast_type: 'note' } }, { Authorization: `Bearer ${key}` });
    expect(await b.next((f) => 'message' in f)).toEqual({ identifier: id, message: 1, type: 'note' });
    // A later broadcast on the same stream reaches `a` after anything the first one would have sent it.
    await postBroadcast(app, { stream: 'excl', data: '2' }, { Authorization: `Bearer ${key}` });
    expect(await a.framesBefore((f) => f.message === 2)).toEqual([]);
    a.close();
    b.close();
  });

  it('disconnects sessions by identifiers on a remote disconnect command', async () => {
    const client = await RawClient.connect(app.wsUrl());
    const welcome = await client.next();
    const identifiers = JSON.stringify({ sid: welcome.sid });
    const res = await postBroadcast(app, { command: 'disconnect', payload: { identifier: identifiers, reconnect: false } }, { Authorization: `Bearer ${key}` });
    expect(res.status).toBe(201);
    expect(await client.next()).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
    expect(await client.closed()).toBe(1000);
  });
});

describe('upgrade checks and pings', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public', '--allowed_origins', 'example.com,*.trusted.test', '--max-conn', '3', '--ping_interval', '0.2', '--path', '/cable,/ws']);
  });
  afterAll(() => app.close());

  it('accepts allowed origins (exact and wildcard) and refuses others with 403', async () => {
    (await RawClient.welcomed(app.wsUrl(), { headers: { Origin: 'https://example.com' } })).close();
    (await RawClient.welcomed(app.wsUrl('/ws'), { headers: { Origin: 'https://app.trusted.test' } })).close();
    await expect(RawClient.connect(app.wsUrl(), { headers: { Origin: 'https://evil.test' } })).rejects.toThrow(/HTTP 403/);
    await expect(RawClient.connect(app.wsUrl())).rejects.toThrow(/HTTP 403/);
  });

  it('sends pings in unix seconds on the shared timer', async () => {
    const client = await RawClient.welcomed(app.wsUrl(), { headers: { Origin: 'https://example.com' } });
    const ping = await client.next((f) => f.type === 'ping', 2000);
    expect(Math.abs((ping.message as number) - Date.now() / 1000)).toBeLessThan(5);
    client.close();
  });

  it('serves clients that offer no subprotocol', async () => {
    const client = await RawClient.welcomed(app.wsUrl(), { protocols: [], headers: { Origin: 'https://example.com' } });
    expect(client.ws.protocol).toBe('');
    client.close();
  });

  it('answers 503 beyond max-conn', async () => {
    const headers = { Origin: 'https://example.com' };
    const open = await Promise.all([0, 1, 2].map(() => RawClient.welcomed(app.wsUrl(), { headers })));
    await expect(RawClient.connect(app.wsUrl(), { headers })).rejects.toThrow(/HTTP 503/);
    open.forEach((c) => c.close());
  });
});
