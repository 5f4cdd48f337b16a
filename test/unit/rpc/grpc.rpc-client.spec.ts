import { GrpcRpcClient } from '../../../src/rpc/grpc.rpc-client.js';
import { GrpcTestRpcServer } from '../../support/grpc-rpc-server.js';
import { waitFor } from '../../support/raw-client.js';
import { UNAUTHORIZED_TRANSMISSION } from '../../support/rails-rpc-app.js';
import { CapturingLog, chatIdentifier, commandRequest, connectRequest, disconnectRequest, grpcSettings, within } from '../../support/rpc-test-kit.js';

const fault = (grpcCode: number, message = 'injected') => ({ grpcCode, httpStatus: 500, message });

describe('GrpcRpcClient against the test RPC server', () => {
  let server: GrpcTestRpcServer;
  let client: GrpcRpcClient;
  let log: CapturingLog;
  const extraClients: GrpcRpcClient[] = [];
  const extraServers: GrpcTestRpcServer[] = [];

  const newClient = async (targets: string[], patch: Parameters<typeof grpcSettings>[1] = {}, clientLog = new CapturingLog()) => {
    const c = new GrpcRpcClient(grpcSettings(targets, patch), clientLog);
    extraClients.push(c);
    await c.start();
    return c;
  };

  beforeAll(async () => {
    server = await GrpcTestRpcServer.start();
  });
  beforeEach(async () => {
    await server.start();
    server.app.reset();
    log = new CapturingLog();
    client = new GrpcRpcClient(grpcSettings([server.target]), log);
    await client.start();
  });
  afterEach(async () => {
    await client.stop();
    await Promise.all(extraClients.splice(0).map((c) => c.stop()));
    await Promise.all(extraServers.splice(0).map((s) => s.stop()));
  });
  afterAll(async () => {
    await server.stop();
  });

  it('Connect SUCCESS: identifiers, the welcome with the metadata sid, cstate; sid and protov v1 arrive as metadata', async () => {
    const outcome = await within(client.connect(connectRequest('user=ann; other=1'), { sid: 'sid-1' }), 5000);
    expect(outcome).toMatchObject({ kind: 'success', attempts: 1 });
    if (outcome.kind !== 'success') return;
    expect(outcome.response.identifiers).toBe('{"current_user":"ann"}');
    expect(outcome.response.transmissions).toEqual(['{"type":"welcome","sid":"sid-1"}']);
    expect(outcome.response.env?.cstate).toEqual({ user: 'ann' });
    const [call] = server.app.calls;
    expect(call.meta).toMatchObject({ sid: 'sid-1', protov: 'v1' });
    expect(call.request).toEqual({ env: { url: 'http://example.com/cable?x=1', headers: { cookie: 'user=ann; other=1', REMOTE_ADDR: '10.0.0.7' }, cstate: {}, istate: {} } });
  });

  it('Connect FAILURE carries the unauthorized disconnect transmission; ERROR is an app_error with the response', async () => {
    const failure = await within(client.connect(connectRequest(), { sid: 's' }), 5000);
    expect(failure).toMatchObject({ kind: 'failure', response: { status: 2, transmissions: [UNAUTHORIZED_TRANSMISSION] } });
    const error = await within(client.connect(connectRequest('user=boom'), { sid: 's' }), 5000);
    expect(error).toMatchObject({ kind: 'error', code: 'app_error', message: 'RuntimeError: boom', response: { status: 0 } });
    expect(log.find('RPC call failed', 'warn')).toHaveLength(1);
  });

  it('sends extra meta beside sid and protov, which the extras cannot override', async () => {
    await within(client.connect(connectRequest('user=ann'), { sid: 'real', extra: { 'x-trace': 't1', sid: 'fake', protov: 'v0' } }), 5000);
    expect(server.app.calls[0].meta).toMatchObject({ sid: 'real', protov: 'v1', extra: { 'x-trace': 't1' } });
  });

  it('Command subscribe: streams, the transmit from subscribed before the confirmation, istate', async () => {
    const outcome = await within(client.command(commandRequest(), { sid: 's' }), 5000);
    expect(outcome.kind).toBe('success');
    if (outcome.kind !== 'success') return;
    const id = chatIdentifier('42');
    expect(outcome.response).toMatchObject({ streams: ['chat_42'], stopStreams: false, stoppedStreams: [], disconnect: false, env: { istate: { room: '42' } } });
    expect(outcome.response.transmissions.map((t) => JSON.parse(t) as unknown)).toEqual([
      { identifier: id, message: { type: 'joined', room: '42' } },
      { identifier: id, type: 'confirm_subscription' },
    ]);
    expect(server.app.calls[0].request).toMatchObject({ command: 'subscribe', identifier: id, connectionIdentifiers: '{"current_user":"ann"}', env: { cstate: { user: 'ann' } } });
  });

  it('Command reject is a FAILURE carrying reject_subscription', async () => {
    const outcome = await within(client.command(commandRequest({ identifier: chatIdentifier('secret') }), { sid: 's' }), 5000);
    expect(outcome).toMatchObject({ kind: 'failure', response: { transmissions: [JSON.stringify({ identifier: chatIdentifier('secret'), type: 'reject_subscription' })] } });
  });

  it('Command message: speak, stop_stream_from, stop all + stream, state deltas with empty values, disconnect', async () => {
    const perform = (data: object) => within(client.command(commandRequest({ command: 'message', data: JSON.stringify(data) }), { sid: 's' }), 5000);
    const speak = await perform({ action: 'speak', text: 'hi' });
    expect(speak.kind === 'success' && JSON.parse(speak.response.transmissions[0])).toEqual({ identifier: chatIdentifier('42'), message: { text: 'hi', from: 'ann' } });
    expect(await perform({ action: 'leave' })).toMatchObject({ response: { stoppedStreams: ['chat_42'], stopStreams: false } });
    expect(await perform({ action: 'reset' })).toMatchObject({ response: { stopStreams: true, streams: ['chat_42'] } });
    expect(await perform({ action: 'remember', note: 'n1' })).toMatchObject({ response: { env: { istate: { note: 'n1' }, cstate: { last_note: 'n1' } } } });
    expect(await perform({ action: 'forget' })).toMatchObject({ response: { env: { istate: { note: '' }, cstate: { last_note: '' } } } });
    expect(await perform({ action: 'kick' })).toMatchObject({ kind: 'success', response: { disconnect: true } });
    expect(await perform({ action: 'nope' })).toMatchObject({ kind: 'error', code: 'app_error' });
  });

  it('EchoChannel receives connection_identifiers, istate, cstate, url and data as sent', async () => {
    const identifier = '{"channel":"EchoChannel"}';
    const outcome = await within(
      client.command(commandRequest({ command: 'message', identifier, data: '{"action":"echo","n":1}', env: { url: 'http://h/cable', headers: {}, cstate: { c: '1' }, istate: { i: '2' } } }), { sid: 's' }),
      5000,
    );
    expect(outcome.kind === 'success' && JSON.parse(outcome.response.transmissions[0])).toEqual({
      identifier,
      message: { identifiers: '{"current_user":"ann"}', istate: { i: '2' }, cstate: { c: '1' }, url: 'http://h/cable', data: { action: 'echo', n: 1 } },
    });
  });

  it('Disconnect sends identifiers, every subscription and the per-identifier istate', async () => {
    const request = disconnectRequest();
    expect(await within(client.disconnect(request, { sid: 's' }), 5000)).toMatchObject({ kind: 'success' });
    expect(server.app.calls[0]).toMatchObject({ method: 'disconnect', request: { identifiers: request.identifiers, subscriptions: request.subscriptions, env: { istate: request.env.istate } } });
  });

  it.each([
    [3, 'invalid_argument'],
    [16, 'unauthenticated'],
    [13, 'unknown'],
    [4, 'deadline_exceeded'],
  ])('maps gRPC status %i to %s and does not retry it', async (code, expected) => {
    server.app.failNext(1, fault(code));
    const outcome = await within(client.connect(connectRequest('user=ann'), { sid: 's' }), 5000);
    expect(outcome).toMatchObject({ kind: 'error', code: expected, attempts: 1 });
    expect(server.app.count()).toBe(1);
  });

  it('retries RESOURCE_EXHAUSTED with the short backoff (10 ms × 2^n) until it succeeds', async () => {
    server.app.failNext(3, fault(8, 'pool exhausted'));
    const started = Date.now();
    const outcome = await within(client.connect(connectRequest('user=ann'), { sid: 's' }), 5000);
    expect(outcome).toMatchObject({ kind: 'success', attempts: 4 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 20 + 40);
    expect(server.app.count()).toBe(4);
  });

  it('retries UNAVAILABLE while the server is down and succeeds once it is back', async () => {
    await within(client.connect(connectRequest('user=ann'), { sid: 'warm' }), 5000);
    await server.stop();
    const restart = setTimeout(() => void server.start(), 400);
    try {
      const outcome = await within(client.connect(connectRequest('user=ann'), { sid: 's' }), 5000);
      expect(outcome.kind).toBe('success');
      expect(outcome.attempts).toBeGreaterThan(1);
    } finally {
      clearTimeout(restart);
    }
  });

  it('gives up on UNAVAILABLE when the retry budget (rpc_command_timeout) is spent', async () => {
    const down = await GrpcTestRpcServer.start();
    await down.stop();
    const c = await newClient([down.target], { policy: { concurrency: 2, requestTimeoutMs: 0, commandTimeoutMs: 500 } });
    const started = Date.now();
    const outcome = await within(c.connect(connectRequest('user=ann'), { sid: 's' }), 5000);
    expect(outcome).toMatchObject({ kind: 'error', code: 'unavailable' });
    expect(outcome.attempts).toBeGreaterThanOrEqual(3); // 100 + 200 ms of backoff fit, 400 more would not
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('keeps at most rpc_concurrency calls in flight under 500 simultaneous calls', async () => {
    const c = await newClient([server.target], { policy: { concurrency: 10, requestTimeoutMs: 0, commandTimeoutMs: 3000 } });
    server.app.delayMs = 5;
    const outcomes = await within(Promise.all(Array.from({ length: 500 }, (_, i) => c.command(commandRequest(), { sid: `s${i}` }))), 20_000, '500 calls');
    expect(outcomes.every((o) => o.kind === 'success')).toBe(true);
    expect(server.app.count()).toBe(500);
    expect(server.app.maxInFlight).toBeLessThanOrEqual(10);
    expect(server.app.maxInFlight).toBeGreaterThan(1);
    expect(c.limiter.maxInFlight).toBe(10);
  });

  it('ends an attempt at the per-call deadline (rpc_request_timeout) with deadline_exceeded', async () => {
    const c = await newClient([server.target], { policy: { concurrency: 2, requestTimeoutMs: 100, commandTimeoutMs: 3000 } });
    server.app.delayMs = 1000;
    const started = Date.now();
    const outcome = await within(c.connect(connectRequest('user=ann'), { sid: 's' }), 5000);
    expect(outcome).toMatchObject({ kind: 'error', code: 'deadline_exceeded', attempts: 1 });
    expect(Date.now() - started).toBeLessThan(800);
  });

  it('cancels in-flight and queued calls when the caller aborts, without calling the server again', async () => {
    const c = await newClient([server.target], { policy: { concurrency: 1, requestTimeoutMs: 0, commandTimeoutMs: 3000 } });
    server.app.delayMs = 2000;
    const session = new AbortController();
    const inFlight = c.command(commandRequest(), { sid: 's', signal: session.signal });
    const queued = c.command(commandRequest(), { sid: 's', signal: session.signal });
    await waitFor(() => server.app.count() === 1, 3000, 'the first call to arrive');
    session.abort();
    const outcomes = await within(Promise.all([inFlight, queued]), 1000, 'cancelled calls');
    expect(outcomes.map((o) => o.kind === 'error' && o.code)).toEqual(['cancelled', 'cancelled']);
    expect(outcomes[1].attempts).toBe(0);
    expect(server.app.count()).toBe(1);
    expect(c.limiter.inFlight).toBe(0);
  });

  it('stop() lets in-flight calls finish and refuses new ones', async () => {
    server.app.delayMs = 200;
    const pending = client.connect(connectRequest('user=ann'), { sid: 's' });
    await waitFor(() => server.app.count() === 1, 3000, 'call to arrive');
    const stopping = Date.now();
    await within(client.stop(), 5000, 'stop');
    expect(Date.now() - stopping).toBeLessThan(1500); // returns when the call ends, not after the 3 s grace
    expect(await pending).toMatchObject({ kind: 'success' });
    expect(await client.connect(connectRequest('user=ann'), { sid: 's' })).toMatchObject({ kind: 'error', code: 'stopped', attempts: 0 });
  });

  it('refuses calls before start() at once instead of retrying them', async () => {
    const idle = new GrpcRpcClient(grpcSettings([server.target]), new CapturingLog());
    expect(await within(idle.connect(connectRequest('user=ann'), { sid: 's' }), 500)).toMatchObject({ kind: 'error', code: 'stopped', attempts: 0 });
    expect(server.app.count()).toBe(0);
  });

  it('spreads calls over grpc-list targets and keeps serving when one of them is down', async () => {
    const second = await GrpcTestRpcServer.start();
    extraServers.push(second);
    const c = await newClient([server.target, second.target]);
    await waitFor(() => c.readiness().state === 'up', 3000, 'channels ready');
    for (let i = 0; i < 10; i++) await within(c.connect(connectRequest('user=ann'), { sid: `s${i}` }), 5000);
    expect(server.app.count('connect')).toBeGreaterThan(0);
    expect(second.app.count('connect')).toBeGreaterThan(0);
    await second.stop();
    const outcomes = await within(Promise.all(Array.from({ length: 6 }, () => c.connect(connectRequest('user=ann'), { sid: 's' }))), 5000);
    expect(outcomes.every((o) => o.kind === 'success')).toBe(true);
  });

  it('logs an unreachable server once when it is down at start, and once when it comes back', async () => {
    const late = await GrpcTestRpcServer.start();
    extraServers.push(late);
    await late.stop();
    const lateLog = new CapturingLog();
    const c = await newClient([late.target], {}, lateLog);
    expect(c.readiness().state).toBe('starting');
    await waitFor(() => c.readiness().state === 'down', 5000, 'down');
    await Promise.all(Array.from({ length: 5 }, () => c.connect(connectRequest('user=ann'), { sid: 's' })));
    await late.start();
    await waitFor(() => c.readiness().state === 'up', 8000, 'up again');
    expect(lateLog.find('RPC server unreachable', 'warn')).toHaveLength(1);
    expect(lateLog.find('RPC server reachable again', 'info')).toHaveLength(1);
    expect(lateLog.find('RPC call failed', 'warn').length).toBeGreaterThanOrEqual(1);
    expect(lateLog.text()).not.toContain('user=ann');
  });
});
