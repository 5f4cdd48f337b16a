/**
 * The RPC fallback end to end, over gRPC and over HTTP RPC: what reaches Rails
 * (env headers and the cookie filter, identifiers byte for byte, state, call
 * metadata), how its answers are applied (state deltas, disconnect, whisper
 * streams, ERROR), what never reaches it (JWT and signed streams: zero calls,
 * `disconnect_mode`), and the logs (failures at warn, never a cookie or token).
 */
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { SessionRegistry } from '../../src/hub/session-registry.js';
import { MessageVerifier } from '../../src/signed-streams/message-verifier.js';
import type { TestApp } from '../support/app.js';
import type { ReceivedCall } from '../support/rails-rpc-app.js';
import { RawClient, waitFor } from '../support/raw-client.js';
import { broadcast, identifierOf, perform, railsClient, RPC_TRANSPORTS, startRpcApp, type RailsServer } from '../support/rpc-e2e.js';

const JWT_SECRET = 'rpc-e2e-jwt';
const TURBO_KEY = 'rpc-e2e-turbo';
const CHAT = (room: string, extra: Record<string, unknown> = {}) => identifierOf('ChatChannel', { room, ...extra });
const envOf = (call: ReceivedCall | undefined) => (call?.request as { env: { url: string; headers: Record<string, string>; cstate?: object; istate?: object } }).env;

describe.each(RPC_TRANSPORTS)('RPC fallback over %s', (_transport, startRails) => {
  let rails: RailsServer;
  let app: TestApp;
  const clients: RawClient[] = [];
  const track = (client: RawClient) => (clients.push(client), client);
  const connect = async (cookie = 'user=ann', options: Parameters<typeof railsClient>[1] = {}) => track(await railsClient(app, { cookie, ...options }));
  const callsOf = (method: string, sid?: string) => rails.app.calls.filter((c) => c.method === method && (sid === undefined || c.meta.sid === sid));
  const registry = () => app.app.get(SessionRegistry);

  beforeAll(async () => {
    rails = await startRails();
    app = await startRpcApp(rails, [
      '--headers', 'cookie,x-api-token',
      '--proxy-cookies', 'user',
      '--jwt_secret', JWT_SECRET,
      '--turbo_streams', '--turbo_streams_secret', TURBO_KEY,
      '--public_streams',
    ]);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await app.close();
    await rails.stop();
  });

  describe('what Rails receives', () => {
    it('Connect and Command carry the URL, the allow-listed headers with only the proxy-cookies, REMOTE_ADDR, and sid + protov metadata', async () => {
      const client = await connect('user=ann; _session=secret-session; tracking=t', { query: 'room=1', headers: { 'X-API-TOKEN': 'abc', Authorization: 'Bearer secret-token', 'User-Agent': 'ua' } });
      await client.subscribe(CHAT('1'));
      const [connectCall] = callsOf('connect', client.sid);
      const [commandCall] = callsOf('command', client.sid);
      for (const call of [connectCall, commandCall]) {
        expect(envOf(call)).toMatchObject({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cable\?room=1$/), headers: { cookie: 'user=ann', 'x-api-token': 'abc', REMOTE_ADDR: '127.0.0.1' } });
        expect(Object.keys(envOf(call).headers).sort()).toEqual(['REMOTE_ADDR', 'cookie', 'x-api-token']);
        expect(call.meta).toMatchObject({ sid: client.sid, protov: 'v1' });
      }
      const logs = app.logs.join('\n');
      for (const secret of ['secret-session', 'secret-token', 'tracking=t', 'abc']) expect(logs).not.toContain(secret);
    });

    it('cstate from Connect and from commands comes back on every later call; an empty value deletes the key', async () => {
      const client = await connect('user=cara');
      const chat = CHAT('2');
      const echo = identifierOf('EchoChannel');
      await client.subscribe(chat);
      await client.subscribe(echo);
      perform(client, echo, 'show');
      expect(await client.next((f) => f.identifier === echo)).toMatchObject({ message: { identifiers: '{"current_user":"cara"}', cstate: { user: 'cara' }, istate: {} } });
      perform(client, chat, 'remember', { note: 'n1' });
      perform(client, echo, 'show');
      expect(await client.next((f) => f.identifier === echo)).toMatchObject({ message: { cstate: { user: 'cara', last_note: 'n1' }, istate: {} } });
      perform(client, chat, 'forget');
      perform(client, echo, 'show');
      expect((await client.next((f) => f.identifier === echo)).message).toMatchObject({ cstate: { user: 'cara' } });
      const last = callsOf('command', client.sid).filter((c) => (c.request as { identifier: string }).identifier === chat).at(-1);
      expect(envOf(last).istate).toEqual({ room: '2', note: 'n1' });
    });

    it('a JWT connection makes no Connect call, and its RPC commands carry the ext identifiers byte for byte', async () => {
      const ext = '{"user_id":42,  "role":"admin"}';
      const token = issueToken({ identifiers: ext, key: JWT_SECRET });
      const client = track(await RawClient.welcomed(`${app.wsUrl()}?jid=${token}`));
      const echo = identifierOf('EchoChannel');
      await client.subscribe(echo);
      perform(client, echo, 'show');
      expect((await client.next((f) => f.identifier === echo)).message).toMatchObject({ identifiers: ext });
      expect(callsOf('connect', client.sid)).toEqual([]);
      expect(callsOf('command', client.sid).map((c) => (c.request as { connectionIdentifiers: string }).connectionIdentifiers)).toEqual([ext, ext]);
    });
  });

  describe("how Rails' answers are applied", () => {
    it('closes the connection after the transmissions when Rails asks to (disconnect: true)', async () => {
      const client = await connect();
      const chat = CHAT('3');
      await client.subscribe(chat);
      perform(client, chat, 'kick');
      expect(await client.next()).toEqual({ identifier: chat, message: { type: 'kicked' } });
      expect(await client.closed()).toBe(1000);
      expect(client.closeReason).toBe('Command Failed');
    });

    it('sends nothing for status ERROR and logs it at warn with the method and the reason', async () => {
      const client = await connect();
      const chat = CHAT('4');
      await client.subscribe(chat);
      perform(client, chat, 'no_such_action');
      expect(await client.framesBeforePong()).toEqual([]);
      const warned = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === 'warn' && l.sid === client.sid);
      expect(warned).toEqual(expect.arrayContaining([
        expect.objectContaining({ msg: 'RPC call failed', method: 'command', code: 'app_error', reason: expect.stringContaining('unknown action') }),
        expect.objectContaining({ msg: 'perform failed', channel: 'ChatChannel' }),
      ]));
    });

    it("rejects with Rails' own frame, and stops a subscription's streams on unsubscribe even when Rails fails", async () => {
      const client = await connect();
      const secret = CHAT('secret');
      expect(await client.subscribe(secret)).toEqual({ identifier: secret, type: 'reject_subscription' });
      const fragile = CHAT('fragile');
      const sentinel = identifierOf('StreamsChannel', { streams: ['fragile-sentinel'] });
      await client.subscribe(fragile);
      await client.subscribe(sentinel);
      client.send({ command: 'unsubscribe', identifier: fragile });
      expect(await client.framesBeforePong()).toEqual([]);
      await broadcast(app, 'chat_fragile', JSON.stringify({ data: 'after' }));
      await broadcast(app, 'fragile-sentinel', JSON.stringify({ data: 'sentinel' }));
      expect(await client.framesBefore((f) => f.identifier === sentinel)).toEqual([]);
      expect(app.logs.some((l) => l.includes('unsubscribe failed'))).toBe(true);
    });

    it('whispers on an RPC subscription whose istate names a whisper stream ($w), to the others only', async () => {
      const [ann, bob] = [await connect(), await connect('user=bob')];
      const chat = CHAT('5', { whisper: true });
      await ann.subscribe(chat);
      await bob.subscribe(chat);
      ann.send({ command: 'whisper', identifier: chat, data: { typing: 'ann' } });
      expect(await bob.next((f) => f.identifier === chat && !!(f.message as { typing?: string }).typing)).toEqual({ identifier: chat, message: { typing: 'ann' } });
      expect(await ann.framesBeforePong()).toEqual([]);
    });

    it('hands message commands on $pubsub to Rails (anycable router/router.go), after a subscribe that made no call', async () => {
      const client = await connect();
      const pubsub = identifierOf('$pubsub', { stream_name: 'open' });
      expect(await client.subscribe(pubsub)).toEqual({ identifier: pubsub, type: 'confirm_subscription' });
      expect(callsOf('command', client.sid)).toEqual([]);
      perform(client, pubsub, 'hello');
      const call = await waitFor(() => callsOf('command', client.sid)[0], 3000, 'the message command');
      expect(call.request).toMatchObject({ command: 'message', identifier: pubsub, data: '{"action":"hello"}' });
    });

    it('closes with 1011 and no frame when Connect fails in the app, logs it, and serves the next client', async () => {
      const failing = await RawClient.connect(app.wsUrl(), { headers: { Cookie: 'user=boom' } });
      expect(await failing.closed()).toBe(1011);
      expect(failing.closeReason).toBe('Auth Error');
      expect(failing.nonPing()).toEqual([]);
      expect(app.logs.some((l) => l.includes('identification failed') && l.includes('RuntimeError: boom'))).toBe(true);
      await connect('user=after-boom');
    });
  });

  describe('what never reaches Rails (disconnect_mode=auto)', () => {
    it('a JWT + Turbo session makes zero RPC calls in its whole life, while an RPC session gets its Disconnect', async () => {
      const token = issueToken({ identifiers: '{"user_id":7}', key: JWT_SECRET });
      const jwt = await RawClient.welcomed(`${app.wsUrl()}?jid=${token}`);
      const turbo = identifierOf('Turbo::StreamsChannel', { signed_stream_name: new MessageVerifier({ keys: [TURBO_KEY] }).generate('room:7') });
      expect(await jwt.subscribe(turbo)).toEqual({ identifier: turbo, type: 'confirm_subscription' });
      await broadcast(app, 'room:7', JSON.stringify('hi'));
      expect(await jwt.next()).toEqual({ identifier: turbo, message: 'hi' });
      const open = registry().size;
      jwt.close();
      await waitFor(() => registry().size < open, 3000, 'the JWT session to close');
      const sentinel = await railsClient(app, { cookie: 'user=sentinel' });
      sentinel.close();
      await waitFor(() => callsOf('disconnect', sentinel.sid).length === 1, 3000, "the RPC session's Disconnect");
      expect(rails.app.calls.filter((c) => c.meta.sid === jwt.sid)).toEqual([]);
      expect(rails.app.calls.filter((c) => c.meta.sid === sentinel.sid).map((c) => c.method)).toEqual(['connect', 'disconnect']);
    });

    it('a JWT session that used an RPC channel gets its Disconnect', async () => {
      const jwt = await RawClient.welcomed(`${app.wsUrl()}?jid=${issueToken({ identifiers: '{"user_id":8}', key: JWT_SECRET })}`);
      await jwt.subscribe(identifierOf('EchoChannel'));
      jwt.close();
      const call = await waitFor(() => callsOf('disconnect', jwt.sid)[0], 3000, 'the Disconnect call');
      expect(call.request).toMatchObject({ identifiers: '{"user_id":8}', subscriptions: [identifierOf('EchoChannel')] });
    });
  });
});

describe.each(RPC_TRANSPORTS)('Disconnect calls at shutdown over %s', (_transport, startRails) => {
  it('sends every queued Disconnect at once (whatever disconnect_rate says) after the drain, before the client stops', async () => {
    const rails = await startRails();
    const app = await startRpcApp(rails, ['--disconnect_rate', '1']);
    try {
      const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => railsClient(app, { cookie: `user=leaving-${i}` })));
      const started = Date.now();
      await app.close();
      expect(rails.app.count('disconnect')).toBe(10);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(clients.map((c) => c.frames.find((f) => f.type === 'disconnect'))).toEqual(clients.map(() => ({ type: 'disconnect', reason: 'server_restart', reconnect: true })));
    } finally {
      await rails.stop();
    }
  });
});

describe.each(RPC_TRANSPORTS)('disconnect_mode over %s', (_transport, startRails) => {
  it.each([
    ['always', 'a JWT session that never used RPC', 1],
    ['never', 'an RPC-authenticated session', 0],
  ] as const)('disconnect_mode=%s: %s gets %i Disconnect call(s)', async (mode, _who, calls) => {
    const rails = await startRails();
    const app = await startRpcApp(rails, ['--disconnect_mode', mode, '--jwt_secret', JWT_SECRET]);
    try {
      const client = mode === 'always'
        ? await RawClient.welcomed(`${app.wsUrl()}?jid=${issueToken({ identifiers: '{"user_id":9}', key: JWT_SECRET })}`)
        : await railsClient(app, { cookie: 'user=ann' });
      client.close();
      await waitFor(() => app.app.get(SessionRegistry).size === 0, 3000, 'the session to close');
      await app.close();
      expect(rails.app.count('disconnect')).toBe(calls);
    } finally {
      await rails.stop();
    }
  });
});
