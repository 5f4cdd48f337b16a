/**
 * The RPC fallback when Rails misbehaves, over gRPC and over HTTP RPC: down at
 * start, killed mid-run, slow (deadlines), briefly gone (retries), failing
 * (the HTTP circuit breaker), flooded (the concurrency limit under 500
 * simultaneous subscribes), and a client leaving mid-call (cancellation).
 * Clients always get a defined result and JWT / signed-stream clients are served throughout.
 */
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { RpcModule } from '../../src/rpc/rpc.module.js';
import { MessageVerifier } from '../../src/signed-streams/message-verifier.js';
import type { TestApp } from '../support/app.js';
import { RawClient, waitFor } from '../support/raw-client.js';
import { broadcast, httpRails, identifierOf, perform, railsClient, RPC_TRANSPORTS, startRpcApp, type RailsServer } from '../support/rpc-e2e.js';

const JWT_SECRET = 'robust-jwt';
const TURBO_KEY = 'robust-turbo';
const CHAT = (room: string) => identifierOf('ChatChannel', { room });
const logLines = (app: TestApp, msg: string) => app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);

/** A JWT client subscribed to a Turbo stream: it must keep working whatever Rails does. */
async function turboClient(app: TestApp, stream: string): Promise<{ client: RawClient; identifier: string }> {
  const client = await RawClient.welcomed(`${app.wsUrl()}?jid=${issueToken({ identifiers: '{"user_id":1}', key: JWT_SECRET })}`);
  const identifier = identifierOf('Turbo::StreamsChannel', { signed_stream_name: new MessageVerifier({ keys: [TURBO_KEY] }).generate(stream) });
  expect(await client.subscribe(identifier)).toMatchObject({ type: 'confirm_subscription' });
  return { client, identifier };
}

/** Connect with the `user` cookie until Rails answers (it may still be coming back). */
async function connectWhenRailsIsBack(app: TestApp, timeoutMs = 12_000): Promise<RawClient> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = await RawClient.connect(app.wsUrl(), { headers: { Cookie: 'user=ann' } });
    const first = await client.next(() => true, 4000).catch(() => undefined);
    if (first?.type === 'welcome') return client;
    client.close();
    if (Date.now() > deadline) throw new Error('Rails did not come back');
    await new Promise((r) => setTimeout(r, 200));
  }
}

const SIGNED_FLAGS = ['--jwt_secret', JWT_SECRET, '--turbo_streams', '--turbo_streams_secret', TURBO_KEY];

describe.each(RPC_TRANSPORTS)('Rails misbehaving, over %s', (transport, startRails) => {
  let rails: RailsServer;
  let app: TestApp;
  afterEach(async () => {
    await app?.close();
    await rails?.stop();
  });

  it('Rails down at start: cookie connections close 1011, JWT + Turbo are served, one warn line; then Rails comes back', async () => {
    rails = await startRails();
    await rails.stop();
    app = await startRpcApp(rails, [...SIGNED_FLAGS, '--rpc_command_timeout', '600']);
    const refused = await RawClient.connect(app.wsUrl(), { headers: { Cookie: 'user=ann' } });
    expect(await refused.closed(5000)).toBe(1011);
    expect(refused.closeReason).toBe('Auth Error');
    const { client, identifier } = await turboClient(app, 'down:1');
    await broadcast(app, 'down:1', JSON.stringify('still here'));
    expect(await client.next()).toEqual({ identifier, message: 'still here' });
    expect(await client.subscribe(CHAT('1'))).toEqual({ identifier: CHAT('1'), type: 'reject_subscription' });
    expect((await fetch(app.httpUrl('/health'))).status).toBe(200);
    expect(logLines(app, 'RPC server unreachable')).toHaveLength(1);
    await rails.start();
    const back = await connectWhenRailsIsBack(app);
    expect(await back.subscribe(CHAT('1'))).toMatchObject({ type: 'confirm_subscription' });
    await waitFor(() => logLines(app, 'RPC server reachable again').length === 1, 5000, 'the reachable-again line');
    client.close();
    back.close();
  }, 30_000);

  it('Rails killed mid-run: subscribes are rejected, messages dropped, streams and JWT clients keep working; then Rails is back', async () => {
    rails = await startRails();
    app = await startRpcApp(rails, [...SIGNED_FLAGS, '--rpc_command_timeout', '600']);
    const ann = await railsClient(app, { cookie: 'user=ann' });
    expect(await ann.subscribe(CHAT('7'))).toMatchObject({ type: 'confirm_subscription' });
    const { client: jwt, identifier } = await turboClient(app, 'killed:1');
    await rails.stop();
    expect(await ann.subscribe(CHAT('8'))).toEqual({ identifier: CHAT('8'), type: 'reject_subscription' });
    perform(ann, CHAT('7'), 'speak', { text: 'lost' });
    expect(await ann.framesBeforePong()).toEqual([]);
    await broadcast(app, 'chat_7', JSON.stringify('from rails jobs'));
    expect(await ann.next()).toEqual({ identifier: CHAT('7'), message: 'from rails jobs' });
    await broadcast(app, 'killed:1', JSON.stringify('turbo'));
    expect(await jwt.next()).toEqual({ identifier, message: 'turbo' });
    await rails.start();
    const again = await connectWhenRailsIsBack(app);
    expect(await again.subscribe(CHAT('9'))).toMatchObject({ type: 'confirm_subscription' });
    expect(await ann.subscribe(CHAT('10'))).toMatchObject({ type: 'confirm_subscription' });
    for (const c of [ann, jwt, again]) c.close();
  }, 40_000);

  it('Rails slow: past rpc_request_timeout the subscribe is rejected and the connect closed (no retry), then served again', async () => {
    rails = await startRails();
    app = await startRpcApp(rails, ['--rpc_request_timeout', '150', '--http_rpc_timeout', '150']);
    const client = await railsClient(app, { cookie: 'user=ann' });
    rails.app.delayMs = 600;
    const started = Date.now();
    expect(await client.subscribe(CHAT('slow'))).toEqual({ identifier: CHAT('slow'), type: 'reject_subscription' });
    expect(Date.now() - started).toBeLessThan(550);
    expect(logLines(app, 'RPC call failed').find((l) => l.code === 'deadline_exceeded')).toMatchObject({ method: 'command', attempts: 1 });
    const slowConnect = await RawClient.connect(app.wsUrl(), { headers: { Cookie: 'user=bob' } });
    expect(await slowConnect.closed()).toBe(1011);
    rails.app.delayMs = 0;
    expect(await client.subscribe(CHAT('fast'))).toMatchObject({ type: 'confirm_subscription' });
    client.close();
  });

  it('retries a call while Rails is briefly gone, within rpc_command_timeout', async () => {
    rails = await startRails();
    app = await startRpcApp(rails);
    const client = await railsClient(app, { cookie: 'user=ann' });
    await rails.stop();
    client.send({ command: 'subscribe', identifier: CHAT('retry') });
    await new Promise((r) => setTimeout(r, 150));
    await rails.start();
    expect(await client.next((f) => f.identifier === CHAT('retry') && String(f.type).endsWith('subscription'), 5000)).toMatchObject({ type: 'confirm_subscription' });
    if (transport === 'gRPC') {
      rails.app.failNext(2, { grpcCode: 8, httpStatus: 429, message: 'pool exhausted' });
      expect(await client.subscribe(CHAT('exhausted'))).toMatchObject({ type: 'confirm_subscription' });
    }
    client.close();
  });

  it('keeps at most rpc_concurrency calls in flight under 500 simultaneous subscribes, and confirms all of them', async () => {
    rails = await startRails();
    app = await startRpcApp(rails, ['--noauth', '--rpc_concurrency', '8']);
    const clients = await Promise.all(Array.from({ length: 500 }, () => RawClient.welcomed(app.wsUrl())));
    rails.app.reset();
    rails.app.delayMs = 5;
    clients.forEach((c, i) => c.send({ command: 'subscribe', identifier: CHAT(`flood-${i}`) }));
    // One poll over every client (not 500 pollers): the machine is shared, the limit is what is under test.
    const answered = (c: RawClient) => c.frames.some((f) => f.type === 'confirm_subscription' || f.type === 'reject_subscription');
    await waitFor(() => clients.every(answered), 20_000, 'an answer to every subscribe');
    expect(clients.filter((c) => !c.frames.some((f) => f.type === 'confirm_subscription'))).toHaveLength(0);
    expect(rails.app.count('command')).toBe(500);
    expect(rails.app.maxInFlight).toBeLessThanOrEqual(8);
    expect(rails.app.maxInFlight).toBeGreaterThanOrEqual(4);
    clients.forEach((c) => c.close());
  }, 30_000);

  it("cancels a session's calls (Command, and Connect while identifying) when the client leaves, freeing their place in the limit", async () => {
    rails = await startRails();
    // disconnect_mode=never: the session's Disconnect call would take a place in the limit too.
    app = await startRpcApp(rails, ['--rpc_concurrency', '2', '--disconnect_mode', 'never']);
    const client = await railsClient(app, { cookie: 'user=ann' });
    rails.app.delayMs = 2000;
    client.send({ command: 'subscribe', identifier: CHAT('gone') });
    await waitFor(() => rails.app.inFlight === 1, 3000, 'the call to reach Rails');
    client.close();
    await waitFor(() => logLines(app, 'RPC call cancelled').some((l) => l.sid === client.sid), 3000, 'the cancellation');
    const [edge] = app.app.get(RpcModule).edges() as unknown as [{ limiter: { inFlight: number } }];
    await waitFor(() => edge.limiter.inFlight === 0, 1000, 'the place in the limit to be free');
    const connects = rails.app.count('connect');
    const identifying = await RawClient.connect(app.wsUrl(), { headers: { Cookie: 'user=leaves-early' } });
    await waitFor(() => rails.app.count('connect') > connects, 3000, 'the Connect call to reach Rails');
    identifying.close();
    await waitFor(() => logLines(app, 'RPC call cancelled').some((l) => l.method === 'connect'), 3000, 'the Connect cancellation');
    await waitFor(() => edge.limiter.inFlight === 0, 1000, 'the place in the limit to be free');
    rails.app.delayMs = 0;
  });
});

describe('HTTP RPC circuit breaker', () => {
  it('opens after a run of failures: further calls are refused without reaching Rails and subscribes are rejected at once', async () => {
    const rails = await httpRails();
    const app = await startRpcApp(rails, ['--noauth']);
    try {
      const client = await RawClient.welcomed(app.wsUrl());
      rails.app.failNext(50, { grpcCode: 13, httpStatus: 500, message: 'boom' });
      let n = 0;
      while (logLines(app, 'RPC circuit breaker open').length === 0 && n < 20) {
        expect(await client.subscribe(CHAT(`b${n++}`))).toMatchObject({ type: 'reject_subscription' });
      }
      expect(logLines(app, 'RPC circuit breaker open')).toEqual([expect.objectContaining({ level: 'warn', rpc: 'rpc:http' })]);
      const reached = rails.app.count('command');
      const started = Date.now();
      expect(await client.subscribe(CHAT('refused'))).toMatchObject({ type: 'reject_subscription' });
      expect(Date.now() - started).toBeLessThan(200);
      expect(rails.app.count('command')).toBe(reached);
      client.close();
    } finally {
      await app.close();
      await rails.stop();
    }
  });
});
