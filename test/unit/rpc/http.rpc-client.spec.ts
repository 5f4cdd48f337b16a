import { createHmac } from 'node:crypto';
import { deriveHttpRpcSecret, HttpRpcClient } from '../../../src/rpc/http.rpc-client.js';
import { HttpTestRpcServer, type HttpTestRpcServerOptions } from '../../support/http-rpc-server.js';
import { waitFor } from '../../support/raw-client.js';
import { RailsRpcApp, UNAUTHORIZED_TRANSMISSION } from '../../support/rails-rpc-app.js';
import { CapturingLog, chatIdentifier, commandRequest, connectRequest, disconnectRequest, httpSettings, within } from '../../support/rpc-test-kit.js';

const APP_SECRET = 'app-secret';
const TOKEN = createHmac('sha256', APP_SECRET).update('rpc-cable').digest('hex');
const fault = (httpStatus: number, message = 'injected') => ({ grpcCode: 2, httpStatus, message });

describe('HttpRpcClient against the test RPC server', () => {
  const servers: HttpTestRpcServer[] = [];
  const clients: HttpRpcClient[] = [];
  let server: HttpTestRpcServer;
  let client: HttpRpcClient;
  let log: CapturingLog;

  const startServer = async (options: HttpTestRpcServerOptions = { secret: TOKEN }) => {
    const s = await HttpTestRpcServer.start(new RailsRpcApp(), options);
    servers.push(s);
    return s;
  };
  const newClient = async (url: string, patch: Parameters<typeof httpSettings>[1] = {}, clientLog = new CapturingLog()) => {
    const c = new HttpRpcClient(httpSettings(url, { secret: TOKEN, ...patch }), clientLog);
    clients.push(c);
    await c.start();
    return c;
  };

  beforeEach(async () => {
    server = await startServer();
    log = new CapturingLog();
    client = await newClient(server.url, {}, log);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.stop()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('derives the bearer token as hex HMAC-SHA256(secret, "rpc-cable")', () => {
    expect(deriveHttpRpcSecret(APP_SECRET)).toBe(TOKEN);
  });

  it('Connect: POST /connect with the bearer token, meta headers and snake_case JSON; SUCCESS decoded', async () => {
    const outcome = await within(client.connect(connectRequest('user=ann'), { sid: 'sid-9', extra: { trace: 't1' } }), 5000);
    expect(outcome).toMatchObject({ kind: 'success', response: { identifiers: '{"current_user":"ann"}', transmissions: ['{"type":"welcome","sid":"sid-9"}'], env: { cstate: { user: 'ann' } } } });
    const { meta } = server.app.calls[0];
    expect(meta).toMatchObject({ sid: 'sid-9', protov: 'v1', extra: { trace: 't1' } });
    expect(meta.raw).toMatchObject({ authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
    expect(server.bodies[0]).toEqual({ env: { url: 'http://example.com/cable?x=1', headers: { cookie: 'user=ann', REMOTE_ADDR: '10.0.0.7' } } });
  });

  it('Command: connection_identifiers, env with cstate/istate, data only for message, empty fields omitted', async () => {
    await within(client.command(commandRequest(), { sid: 's' }), 5000);
    await within(client.command(commandRequest({ command: 'message', data: '{"action":"speak","text":"hi"}', env: { url: 'http://h/cable', headers: {}, cstate: {}, istate: { room: '42' } } }), { sid: 's' }), 5000);
    expect(server.bodies[0]).toEqual({
      command: 'subscribe', identifier: chatIdentifier('42'), connection_identifiers: '{"current_user":"ann"}',
      env: { url: 'http://example.com/cable', headers: { cookie: 'user=ann' }, cstate: { user: 'ann' } },
    });
    expect(server.bodies[1]).toEqual({
      command: 'message', identifier: chatIdentifier('42'), connection_identifiers: '{"current_user":"ann"}', data: '{"action":"speak","text":"hi"}',
      env: { url: 'http://h/cable', istate: { room: '42' } },
    });
  });

  it('decodes every CommandResponse field from snake_case', async () => {
    const perform = (data: object) => within(client.command(commandRequest({ command: 'message', data: JSON.stringify(data) }), { sid: 's' }), 5000);
    expect(await perform({ action: 'leave' })).toMatchObject({ kind: 'success', response: { stoppedStreams: ['chat_42'], stopStreams: false } });
    expect(await perform({ action: 'reset' })).toMatchObject({ response: { stopStreams: true, streams: ['chat_42'] } });
    expect(await perform({ action: 'forget' })).toMatchObject({ response: { env: { istate: { note: '' }, cstate: { last_note: '' } } } });
    expect(await perform({ action: 'kick' })).toMatchObject({ response: { disconnect: true } });
    expect(await perform({ action: 'nope' })).toMatchObject({ kind: 'error', code: 'app_error', response: { errorMsg: expect.stringContaining('unknown action') } });
  });

  it('Disconnect: identifiers, subscriptions and per-identifier istate', async () => {
    const request = disconnectRequest();
    expect(await within(client.disconnect(request, { sid: 's' }), 5000)).toMatchObject({ kind: 'success' });
    expect(server.bodies[0]).toEqual({ identifiers: request.identifiers, subscriptions: request.subscriptions, env: request.env });
  });

  it.each([
    ['name', 'SUCCESS as an enum name'],
    ['omit-defaults', 'defaults left out'],
  ] as const)('accepts responses with status written as %s (%s)', async (statusAs, _what) => {
    const tolerant = await startServer({ secret: TOKEN, statusAs });
    const c = await newClient(tolerant.url);
    expect(await within(c.connect(connectRequest('user=ann'), { sid: 's' }), 5000)).toMatchObject({ kind: 'success' });
    expect(await within(c.connect(connectRequest(), { sid: 's' }), 5000)).toMatchObject({ kind: 'failure', response: { transmissions: [UNAUTHORIZED_TRANSMISSION] } });
    // ERROR is status 0: left out entirely by 'omit-defaults', which must read as ERROR.
    expect(await within(c.connect(connectRequest('user=boom'), { sid: 's' }), 5000)).toMatchObject({ kind: 'error', code: 'app_error', message: 'RuntimeError: boom' });
  });

  it('a wrong token is 401 = unauthenticated, not retried, and the token is never logged', async () => {
    const c = await newClient(server.url, { secret: 'wrong-token' }, log);
    expect(await within(c.connect(connectRequest('user=ann'), { sid: 's' }), 5000)).toMatchObject({ kind: 'error', code: 'unauthenticated', attempts: 1 });
    expect(log.text()).not.toContain('wrong-token');
    expect(log.text()).not.toContain(TOKEN);
  });

  it.each([
    [400, 'invalid_argument'],
    [422, 'invalid_argument'],
    [500, 'unknown'],
    [503, 'unknown'],
  ])('maps HTTP %i to %s without retrying', async (status, code) => {
    server.app.failNext(1, fault(status));
    expect(await within(client.connect(connectRequest('user=ann'), { sid: 's' }), 5000)).toMatchObject({ kind: 'error', code, attempts: 1 });
    expect(server.app.count()).toBe(1);
  });

  it('retries connection errors while the server is down and succeeds once it is back; logs the outage once', async () => {
    await server.stop();
    const restart = setTimeout(() => void server.start(), 350);
    try {
      const outcomes = await within(Promise.all(Array.from({ length: 5 }, () => client.connect(connectRequest('user=ann'), { sid: 's' }))), 5000);
      expect(outcomes.every((o) => o.kind === 'success' && o.attempts > 1)).toBe(true);
    } finally {
      clearTimeout(restart);
    }
    expect(log.find('RPC server unreachable', 'warn')).toHaveLength(1);
    expect(log.find('RPC server reachable again', 'info')).toHaveLength(1);
    expect(client.readiness()).toEqual({ name: 'rpc:http', state: 'up' });
    expect(log.text()).not.toContain('user=ann');
  });

  it('keeps at most rpc_concurrency requests in flight under 500 simultaneous calls', async () => {
    const c = await newClient(server.url, { policy: { concurrency: 10, requestTimeoutMs: 3000, commandTimeoutMs: 3000 } });
    server.app.delayMs = 5;
    const outcomes = await within(Promise.all(Array.from({ length: 500 }, (_, i) => c.command(commandRequest(), { sid: `s${i}` }))), 20_000, '500 calls');
    expect(outcomes.every((o) => o.kind === 'success')).toBe(true);
    expect(server.app.count()).toBe(500);
    expect(server.app.maxInFlight).toBeLessThanOrEqual(10);
    expect(c.limiter.maxInFlight).toBe(10);
  });

  it('ends a request at http_rpc_timeout with deadline_exceeded', async () => {
    const c = await newClient(server.url, { policy: { concurrency: 2, requestTimeoutMs: 100, commandTimeoutMs: 3000 } });
    server.app.delayMs = 1000;
    const started = Date.now();
    expect(await within(c.connect(connectRequest('user=ann'), { sid: 's' }), 5000)).toMatchObject({ kind: 'error', code: 'deadline_exceeded', attempts: 1 });
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('cancels a pending request when the caller aborts', async () => {
    server.app.delayMs = 2000;
    const session = new AbortController();
    const pending = client.command(commandRequest(), { sid: 's', signal: session.signal });
    await waitFor(() => server.app.count() === 1, 3000, 'the request to arrive');
    session.abort();
    expect(await within(pending, 1000)).toMatchObject({ kind: 'error', code: 'cancelled' });
    expect(client.limiter.inFlight).toBe(0);
  });

  it('stop() cancels calls still running after the grace period (rpc_command_timeout)', async () => {
    const c = await newClient(server.url, { policy: { concurrency: 2, requestTimeoutMs: 5000, commandTimeoutMs: 200 } });
    server.app.delayMs = 3000;
    const pending = c.connect(connectRequest('user=ann'), { sid: 's' });
    await waitFor(() => server.app.count() === 1, 3000, 'the request to arrive');
    const started = Date.now();
    await within(c.stop(), 2000, 'stop');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await within(pending, 500)).toMatchObject({ kind: 'error', code: 'cancelled', message: 'RPC client stopped' });
  });

  it('refuses a response body over the size cap', async () => {
    const c = await newClient(server.url, { maxResponseSize: 16 });
    expect(await within(c.connect(connectRequest('user=ann'), { sid: 's' }), 5000)).toMatchObject({ kind: 'error', code: 'unknown' });
  });
});

describe('HttpRpcClient circuit breaker (≥10 requests, ≥80% failures, open, then half-open with 5 requests)', () => {
  const breaker = { windowMs: 10_000, minRequests: 10, failureRatio: 0.8, openMs: 300, halfOpenRequests: 5 };
  let server: HttpTestRpcServer;
  let client: HttpRpcClient;
  let log: CapturingLog;

  beforeEach(async () => {
    server = await HttpTestRpcServer.start();
    log = new CapturingLog();
    client = new HttpRpcClient(httpSettings(server.url, { breaker }), log);
    await client.start();
  });
  afterEach(async () => {
    await client.stop();
    await server.stop();
  });

  const call = () => within(client.connect(connectRequest('user=ann'), { sid: 's' }), 5000);
  const trip = async () => {
    server.app.failNext(10, fault(500));
    for (let i = 0; i < 10; i++) expect(await call()).toMatchObject({ kind: 'error', code: 'unknown' });
  };

  it('opens after 10 failed requests and refuses calls without sending them', async () => {
    await trip();
    expect(await call()).toMatchObject({ kind: 'error', code: 'circuit_open', attempts: 0 });
    expect(server.app.count()).toBe(10);
    expect(log.find('RPC circuit breaker open', 'warn')).toHaveLength(1);
  });

  it('stays closed while fewer than 80% of requests fail', async () => {
    for (let i = 0; i < 4; i++) await call();
    server.app.failNext(10, fault(500));
    for (let i = 0; i < 10; i++) await call(); // 10 failures out of 14 = 71%
    expect(await call()).toMatchObject({ kind: 'success' });
  });

  it('half-open after the open period: admits 5 requests, closes after 5 successes', async () => {
    await trip();
    await new Promise((resolve) => setTimeout(resolve, 350));
    server.app.delayMs = 100;
    const outcomes = await within(Promise.all(Array.from({ length: 7 }, () => client.connect(connectRequest('user=ann'), { sid: 's' }))), 5000);
    expect(outcomes.filter((o) => o.kind === 'success')).toHaveLength(5);
    expect(outcomes.filter((o) => o.kind === 'error' && o.code === 'circuit_open')).toHaveLength(2);
    server.app.delayMs = 0;
    expect(await call()).toMatchObject({ kind: 'success' });
    expect(log.find('RPC circuit breaker half-open', 'info')).toHaveLength(1);
    expect(log.find('RPC circuit breaker closed', 'info')).toHaveLength(1);
  });

  it('reopens on a failure while half-open', async () => {
    await trip();
    await new Promise((resolve) => setTimeout(resolve, 350));
    server.app.failNext(1, fault(500));
    expect(await call()).toMatchObject({ kind: 'error', code: 'unknown' });
    expect(await call()).toMatchObject({ kind: 'error', code: 'circuit_open' });
    expect(log.find('RPC circuit breaker open', 'warn')).toHaveLength(2);
  });
});
