/**
 * Every HTTP error cablecar answers carries the one JSON body `{"error","code"}` with
 * `Content-Type: application/json` and the status its code is catalogued with (src/http/json-error.ts):
 * upgrade refusals (read off a raw socket), the broadcast endpoint, the dashboard, unknown paths.
 */
import { ConflictException, Controller, ForbiddenException, Get, Module } from '@nestjs/common';
import { HTTP_ERRORS, type HttpErrorCode } from '../../src/http/json-error.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient, waitFor } from '../support/raw-client.js';
import { rawRequest, rawWebSocket, upgradeRequest } from '../support/raw-socket.js';

/** An answer reduced to what this file checks. */
interface Answer {
  status: number;
  type: string;
  body: unknown;
}

/** The raw HTTP answer to `request` written on a fresh TCP connection (the server closes it). */
async function rawAnswer(port: number, request: string): Promise<Answer> {
  const raw = await rawRequest(port, request);
  await raw.ended();
  const text = raw.received();
  const [head, body] = [text.slice(0, text.indexOf('\r\n\r\n')), text.slice(text.indexOf('\r\n\r\n') + 4)];
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
  const type = /^content-type: (.*)$/im.exec(head)?.[1].trim() ?? '';
  const length = Number(/^content-length: (\d+)$/im.exec(head)?.[1]);
  expect(Buffer.byteLength(body)).toBe(length);
  return { status, type, body: JSON.parse(body) };
}

async function fetchAnswer(url: string, init?: RequestInit): Promise<Answer & { headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text), headers: res.headers };
}

/** What an error answer with `code` must look like. */
const errorAnswer = (code: HttpErrorCode, message: string | RegExp = /./) => ({
  status: HTTP_ERRORS[code].status,
  type: 'application/json',
  body: { error: typeof message === 'string' ? message : expect.stringMatching(message), code },
});

const ORIGIN = 'Origin: https://example.com\r\n';

describe('HTTP error bodies', () => {
  let app: TestApp;
  const auth = { Authorization: 'Bearer k' };
  beforeAll(async () => {
    app = await startApp(['--noauth', '--broadcast_key', 'k', '--allowed_origins', 'example.com', '--max-conn', '1', '--http_broadcast_max_body_size', '1024', '--dashboard', '--dashboard_key', 'dash-key']);
  });
  afterAll(() => app.close());

  it('refuses upgrades before the WebSocket exists with JSON: 404 path, 400 Host, 403 origin, 503 max-conn', async () => {
    expect(await rawAnswer(app.port, upgradeRequest('127.0.0.1', '/nope', ORIGIN))).toEqual(errorAnswer('not_found', 'not a WebSocket path'));
    expect(await rawAnswer(app.port, upgradeRequest('x:99999', '/cable', ORIGIN))).toEqual(errorAnswer('bad_request', 'invalid Host header'));
    expect(await rawAnswer(app.port, upgradeRequest('127.0.0.1', '/cable', 'Origin: https://evil.test\r\n'))).toEqual(errorAnswer('origin_not_allowed', 'origin not allowed'));
    const holder = await RawClient.welcomed(app.wsUrl(), { headers: { Origin: 'https://example.com' } });
    expect(await rawAnswer(app.port, upgradeRequest('127.0.0.1', '/cable', ORIGIN))).toEqual(errorAnswer('too_many_connections', /max-conn/));
    holder.close();
    await holder.closed();
  });

  it('answers unknown paths with 404, a plain request on the WebSocket path with 400 websocket_required, an undecodable path with 400', async () => {
    expect(await fetchAnswer(app.httpUrl('/nope'))).toMatchObject(errorAnswer('not_found', 'not found'));
    expect(await fetchAnswer(app.httpUrl('/nope'), { method: 'POST', body: 'x' })).toMatchObject(errorAnswer('not_found', 'not found'));
    expect(await fetchAnswer(app.httpUrl('/cable'))).toMatchObject(errorAnswer('websocket_required'));
    expect(await rawAnswer(app.port, 'GET /_dashboard/% HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).toEqual({ status: 400, type: 'application/json', body: { error: expect.stringMatching(/decode/), code: 'request_refused' } });
  });

  it('answers every broadcast refusal with its code: 401, 405 (Allow: POST), 415, 413, 400, 422', async () => {
    const url = app.httpUrl('/_broadcast');
    const json = { 'Content-Type': 'application/json' };
    expect(await fetchAnswer(url, { method: 'POST', headers: json, body: '{"stream":"s","data":"1"}' })).toMatchObject(errorAnswer('unauthorized', /Authorization: Bearer/));
    const get = await fetchAnswer(url, { headers: auth });
    expect(get).toMatchObject(errorAnswer('method_not_allowed', 'use POST'));
    expect(get.headers.get('allow')).toBe('POST');
    expect(await fetchAnswer(url, { method: 'POST', headers: { ...auth, 'Content-Type': 'text/plain' }, body: '{}' })).toMatchObject(errorAnswer('unsupported_media_type'));
    expect(await fetchAnswer(url, { method: 'POST', headers: { ...auth, ...json }, body: JSON.stringify({ stream: 's', data: 'x'.repeat(2000) }) })).toMatchObject(errorAnswer('payload_too_large', /1024 bytes/));
    expect(await fetchAnswer(url, { method: 'POST', headers: { ...auth, ...json }, body: '{"stream":' })).toMatchObject(errorAnswer('malformed_json', /malformed JSON/));
    expect(await fetchAnswer(url, { method: 'POST', headers: { ...auth, ...json }, body: JSON.stringify([{ stream: 's', data: '1' }, { stream: 's', data: 2 }]) })).toMatchObject(errorAnswer('invalid_broadcast', /^\[1\]: "data" must be a string/));
    // The sentinel: a good broadcast is still accepted with 201 and no body.
    const ok = await fetch(url, { method: 'POST', headers: { ...auth, ...json }, body: '{"stream":"s","data":"1"}' });
    expect([ok.status, await ok.text()]).toEqual([201, '']);
  });

  it('answers dashboard API refusals with the same body (401 without the key, 404, 415)', async () => {
    expect(await fetchAnswer(app.httpUrl('/_dashboard/stats'))).toMatchObject(errorAnswer('unauthorized', 'dashboard key required'));
    const key = { Authorization: 'Bearer dash-key' };
    expect(await fetchAnswer(app.httpUrl('/_dashboard/nope'), { headers: key })).toMatchObject(errorAnswer('not_found'));
    expect(await fetchAnswer(app.httpUrl('/_dashboard/broadcast'), { method: 'POST', headers: { ...key, 'Content-Type': 'text/plain' }, body: '{}' })).toMatchObject(errorAnswer('unsupported_media_type'));
  });

  it('keeps /health as anycable-go text and /ready as its JSON report', async () => {
    const health = await fetch(app.httpUrl('/health'));
    expect([health.status, health.headers.get('content-type'), await health.text()]).toEqual([200, 'text/plain', "Ah, ha, ha, ha, stayin' alive, stayin' alive."]);
    const ready = await fetch(app.httpUrl('/ready'));
    expect(ready.headers.get('content-type')).toBe('application/json');
    expect(await ready.json()).toMatchObject({ status: 'ready', edges: expect.any(Array) });
  });
});

/** An extension's own HTTP endpoints, refusing on purpose or failing by mistake. */
@Controller('ext')
class RefusingController {
  @Get('conflict')
  conflict(): never {
    throw new ConflictException('already there');
  }

  @Get('forbidden')
  forbidden(): never {
    throw new ForbiddenException('members only');
  }

  @Get('bug')
  bug(): never {
    throw new Error('secret-ish internal detail');
  }
}

@Module({ controllers: [RefusingController] })
class RefusingModule {}

describe('HTTP error bodies from an extension controller', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public'], {}, { imports: [RefusingModule] });
  });
  afterAll(() => app.close());

  it('keeps its 4xx status and message, under request_refused', async () => {
    expect(await fetchAnswer(app.httpUrl('/ext/forbidden'))).toMatchObject({ status: 403, type: 'application/json', body: { error: 'members only', code: 'request_refused' } });
    expect(await fetchAnswer(app.httpUrl('/ext/conflict'))).toMatchObject({ status: 409, type: 'application/json', body: { error: 'already there', code: 'request_refused' } });
  });

  it('answers a throwing handler 500 internal_error without details, logs CABLE_ERR_HTTP_HANDLER, and keeps serving', async () => {
    const answer = await fetchAnswer(app.httpUrl('/ext/bug'));
    expect(answer).toMatchObject(errorAnswer('internal_error', 'internal error'));
    expect(JSON.stringify(answer.body)).not.toContain('secret-ish');
    expect(app.logs.some((line) => line.includes('CABLE_ERR_HTTP_HANDLER') && line.includes('"path":"/ext/bug"'))).toBe(true);
    expect((await fetch(app.httpUrl('/health'))).status).toBe(200);
  });
});

describe('HTTP error bodies while draining', () => {
  it('refuses upgrades with 503 shutting_down once shutdown has begun', async () => {
    const app = await startApp(['--public', '--shutdown_timeout', '2']);
    // A client that never answers the close handshake keeps the drain (and the listener) going.
    const stubborn = await rawWebSocket(app.port);
    stubborn.socket.pause();
    const closing = app.close();
    await waitFor(() => app.logs.some((line) => line.includes('shutting down: disconnecting sessions')), 3000, 'the drain');
    expect(await rawAnswer(app.port, upgradeRequest('127.0.0.1'))).toEqual(errorAnswer('shutting_down', /shutting down/));
    stubborn.socket.destroy();
    await closing;
  });
});
