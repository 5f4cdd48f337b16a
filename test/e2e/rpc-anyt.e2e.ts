/**
 * AnyCable's conformance suite, anyt (anycable/anyt lib/anyt/tests/**), mirrored
 * against cablecar with its RPC fallback, over gRPC and over HTTP RPC. Each test
 * is named "<feature>: <scenario>" after the anyt scenario it mirrors; the Rails
 * side is the test Rails app (test/support/rails-rpc-channels.ts has anyt's
 * connect handlers and channels). Stream names get a per-test suffix because
 * one server serves every scenario.
 */
import { postBroadcast, type TestApp } from '../support/app.js';
import { RawClient, type Frame } from '../support/raw-client.js';
import { broadcast, BROADCAST_AUTH, carries, identifierOf, perform, railsClient, RPC_TRANSPORTS, startRpcApp, type RailsServer } from '../support/rpc-e2e.js';

const USER = { cookie: 'user=ann' };
let serial = 0;
/** A stream name no other test uses. */
const unique = (name: string): string => `${name}-${++serial}`;

describe.each(RPC_TRANSPORTS)('anyt scenarios over %s RPC', (_transport, startRails) => {
  let rails: RailsServer;
  let app: TestApp;
  const clients: RawClient[] = [];
  const connect = async (options: Parameters<typeof railsClient>[1] = USER) => {
    const client = await railsClient(app, options);
    clients.push(client);
    return client;
  };
  /** Subscribe and expect exactly Rails' confirmation as the next frame. */
  const confirmed = async (client: RawClient, identifier: string) => {
    client.send({ command: 'subscribe', identifier });
    expect(await client.next()).toEqual({ identifier, type: 'confirm_subscription' });
  };
  /** Frames `client` got before a sentinel broadcast on a stream it still holds. */
  const nothingBefore = async (client: RawClient, sentinelStream: string) => {
    await broadcast(app, sentinelStream, JSON.stringify({ data: 'sentinel' }));
    return client.framesBefore(carries('sentinel'));
  };

  beforeAll(async () => {
    rails = await startRails();
    app = await startRpcApp(rails, ['--headers', 'cookie,x-api-token', '--ping_interval', '0.2', '--ping_timestamp_precision', 'ms']);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await app.close();
    await rails.stop();
  });

  describe('core', () => {
    it('Welcome: Client receives "welcome" message (the one Rails sent, byte for byte)', async () => {
      const client = await connect();
      const connectCall = rails.app.calls.filter((c) => c.method === 'connect').at(-1)!;
      expect(client.texts[0]).toBe(JSON.stringify({ type: 'welcome', sid: connectCall.meta.sid }));
      expect(client.frames[0]).toMatchObject({ type: 'welcome' });
    });

    it('Ping: Client receives pings with timestamps', async () => {
      const client = await connect();
      const first = await client.next((f) => f.type === 'ping');
      const second = await client.next((f) => f.type === 'ping');
      expect(Number.isInteger(first.message) && Number.isInteger(second.message)).toBe(true);
      expect(second.message as number).toBeGreaterThan(first.message as number);
    });
  });

  describe('subscriptions', () => {
    it('Subscription aknowledgement: Client receives subscription confirmation', async () => {
      await confirmed(await connect(), identifierOf('AckChannel'));
    });

    it('Subscription aknowledgement: Client receives subscription rejection', async () => {
      const client = await connect();
      const identifier = identifierOf('RejectorChannel');
      client.send({ command: 'subscribe', identifier });
      expect(await client.next()).toEqual({ identifier, type: 'reject_subscription' });
    });

    it('Subscription with params: Client subscribes to the same channel with different params', async () => {
      const client = await connect();
      await confirmed(client, identifierOf('AckChannel', { id: 1 }));
      await confirmed(client, identifierOf('AckChannel', { id: 2 }));
    });

    it('Subscription perform methods: Client perform actions without arguments', async () => {
      const client = await connect();
      const identifier = identifierOf('PerformChannel');
      await confirmed(client, identifier);
      perform(client, identifier, 'tick');
      expect(await client.next()).toEqual({ identifier, message: 'tock' });
    });

    it('Subscription perform methods: Client perform actions with arguments', async () => {
      const client = await connect();
      const identifier = identifierOf('PerformChannel');
      await confirmed(client, identifier);
      perform(client, identifier, 'echo', { text: 'hello' });
      expect(await client.next()).toEqual({ identifier, message: { response: 'hello' } });
    });

    it('Subscription transmissions: Client receives transmissions from #subscribed callback (before the confirmation)', async () => {
      const client = await connect();
      const identifier = identifierOf('TransmitChannel');
      client.send({ command: 'subscribe', identifier });
      expect([await client.next(), await client.next(), await client.next()]).toEqual([
        { identifier, message: 'hello' },
        { identifier, message: 'world' },
        { identifier, type: 'confirm_subscription' },
      ]);
    });
  });

  describe('streams', () => {
    /** Subscribe `client` to a channel that does `stream_from` each of `streams`; returns its identifier. */
    const streaming = async (client: RawClient, ...streams: string[]) => {
      const identifier = identifierOf('StreamsChannel', { streams });
      await confirmed(client, identifier);
      return identifier;
    };
    /** `ActionCable.server.broadcast(stream, data: value)`, then each client's next frame is it, under `identifier`. */
    const delivered = async (stream: string, value: string, identifier: string, ...receivers: RawClient[]) => {
      await broadcast(app, stream, JSON.stringify({ data: value }));
      for (const client of receivers) expect(await client.next()).toEqual({ identifier, message: { data: value } });
    };
    /** Unsubscribe, and wait until the server has handled it (its pong comes after). */
    const unsubscribed = async (client: RawClient, identifier: string) => {
      client.send({ command: 'unsubscribe', identifier });
      expect(await client.framesBeforePong()).toEqual([]);
    };

    it('Single stream: Client receives messages from the stream', async () => {
      const client = await connect();
      const a = unique('a');
      const identifier = await streaming(client, a);
      await delivered(a, 'X', identifier, client);
      await delivered(a, 'Y', identifier, client);
    });

    it('Single stream: Client does not receive messages from the stream after removing subscription', async () => {
      const client = await connect();
      const [a, sentinel] = [unique('a'), unique('sentinel')];
      const identifier = await streaming(client, a);
      await streaming(client, sentinel);
      await delivered(a, 'X', identifier, client);
      await unsubscribed(client, identifier);
      await broadcast(app, a, JSON.stringify({ data: 'Y' }));
      expect(await nothingBefore(client, sentinel)).toEqual([]);
    });

    it('Multiple streams: Client receives messages from both streams', async () => {
      const client = await connect();
      const [a, b] = [unique('a'), unique('b')];
      const identifier = await streaming(client, a, b);
      await delivered(a, 'X', identifier, client);
      await delivered(b, 'Y', identifier, client);
    });

    it('Multiple streams: Client does not receive messages from any stream after removing subscription', async () => {
      const client = await connect();
      const [a, b, sentinel] = [unique('a'), unique('b'), unique('sentinel')];
      const identifier = await streaming(client, a, b);
      await streaming(client, sentinel);
      await unsubscribed(client, identifier);
      await broadcast(app, a, JSON.stringify({ data: 'Y' }));
      await broadcast(app, b, JSON.stringify({ data: 'Z' }));
      expect(await nothingBefore(client, sentinel)).toEqual([]);
    });

    it('Streams with many clients: Multiple clients receive messages from stream', async () => {
      const [one, two] = [await connect(), await connect({ cookie: 'user=bob' })];
      const a = unique('a');
      const identifier = await streaming(one, a);
      await streaming(two, a);
      await delivered(a, 'X', identifier, one, two);
    });

    it('Streams with many clients: Client receive messages when another client removes subscription', async () => {
      const [one, two] = [await connect(), await connect({ cookie: 'user=bob' })];
      const [a, sentinel] = [unique('a'), unique('sentinel')];
      const identifier = await streaming(one, a);
      await streaming(two, a);
      await streaming(one, sentinel);
      await unsubscribed(one, identifier);
      await delivered(a, 'Y', identifier, two);
      expect(await nothingBefore(one, sentinel)).toEqual([]);
    });

    it('Stop streams: Client unsubscribes from the stream', async () => {
      const client = await connect();
      const [a, b] = [unique('a'), unique('b')];
      const identifier = await streaming(client, a, b);
      await delivered(a, 'X', identifier, client);
      perform(client, identifier, 'unfollow', { name: a });
      expect(await client.framesBeforePong()).toEqual([]);
      await broadcast(app, a, JSON.stringify({ data: 'Y' }));
      await delivered(b, 'Z', identifier, client);
    });

    it.each([
      ['Broadcast object', JSON.stringify({ data: { user_id: 1, status: 'left', meta: { connection_time: '10s' } } }), { data: { user_id: 1, status: 'left', meta: { connection_time: '10s' } } }],
      ['Broadcast custom string', JSON.stringify("<script>alert('Message!');</script>"), "<script>alert('Message!');</script>"],
      ['Broadcast JSON string', JSON.stringify('{"script":{"alert":"Message!"}}'), '{"script":{"alert":"Message!"}}'],
    ])('Broadcast data to stream: %s', async (_scenario, data, message) => {
      const client = await connect();
      const a = unique('a');
      const identifier = identifierOf('StreamsChannel', { streams: [a] });
      await confirmed(client, identifier);
      await broadcast(app, a, data);
      expect(await client.next()).toEqual({ identifier, message });
    });
  });

  describe('request', () => {
    it('Request: Url is set during connection', async () => {
      const client = await connect({ query: 'test=request_url' });
      expect(client.frames[0]).toMatchObject({ type: 'welcome' });
      const env = (rails.app.calls.filter((c) => c.method === 'connect').at(-1)!.request as { env: { url: string } }).env;
      expect(env.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/cable\?test=request_url$/);
    });

    it('Request: Reject when required cookies are not set', async () => {
      const client = await RawClient.connect(app.wsUrl('/cable?test=cookies'));
      expect(await client.closed()).toBe(1000);
      expect(client.frames).toEqual([{ type: 'disconnect', reason: 'unauthorized', reconnect: false }]);
    });

    it('Request: Accepts when required cookies are set', async () => {
      const client = await connect({ query: 'test=cookies', cookie: 'username=john green' });
      expect(client.frames[0]).toMatchObject({ type: 'welcome' });
    });

    it('Request: Reject when required header is missing', async () => {
      const client = await RawClient.connect(app.wsUrl('/cable?test=headers'));
      expect(await client.closed()).toBe(1000);
    });

    it('Request: Accepts when required header is set', async () => {
      const client = await connect({ query: 'test=headers', headers: { 'X-API-TOKEN': 'abc' } });
      expect(client.frames[0]).toMatchObject({ type: 'welcome' });
    });

    it('Request: Channel has access to request', async () => {
      const client = await connect({ query: 'token=secret', cookie: 'user=ann' });
      await confirmed(client, identifierOf('RequestChannel'));
      const other = await connect();
      const identifier = identifierOf('RequestChannel');
      other.send({ command: 'subscribe', identifier });
      expect(await other.next()).toEqual({ identifier, type: 'reject_subscription' });
    });

    it('Request: Receives disconnect message when rejected', async () => {
      const client = await RawClient.connect(app.wsUrl('/cable?test=reasons&reason=unauthorized'));
      expect(await client.next()).toEqual({ type: 'disconnect', reconnect: false, reason: 'unauthorized' });
      expect(await client.closed()).toBe(1000);
      expect(client.closeReason).toBe('Auth Failed');
    });

    it.each([
      ['for different channels', [{ stream: 'a' }, { stream: 'b' }], ['user left', 'user left']],
      ['for multiple subscriptions from the same channel', [{ stream: 'a', id: 1 }, { stream: 'a', id: 2 }], ['user left1', 'user left2']],
    ])('Request: Client disconnect invokes #unsubscribe callbacks %s (one Disconnect call with every subscription)', async (_case, subscriptions, expected) => {
      const streams = { a: unique('a'), b: unique('b') };
      const listener = await connect();
      const watched = [...new Set(subscriptions.map((s) => streams[s.stream as 'a' | 'b']))];
      for (const stream of watched) await confirmed(listener, identifierOf('StreamsChannel', { streams: [stream] }));
      const leaver = unique('leaver');
      const leaving = await connect({ cookie: `user=${leaver}` });
      const identifiers = subscriptions.map((s) => identifierOf('LeaveChannel', { ...s, stream: streams[s.stream as 'a' | 'b'] }));
      for (const identifier of identifiers) await confirmed(leaving, identifier);
      leaving.close();
      const got = [await listener.next(), await listener.next()].map((f: Frame) => (f.message as { data: string }).data);
      expect(got.sort()).toEqual(expected);
      const disconnect = rails.app.calls.filter((c) => c.method === 'disconnect').find((c) => (c.request as { identifiers: string }).identifiers === JSON.stringify({ current_user: leaver }));
      expect(disconnect?.request).toMatchObject({ subscriptions: identifiers });
    });
  });

  describe('features', () => {
    it('Remote disconnect: Close single connection by id (and every other session with those identifiers)', async () => {
      const [first, second] = [await connect({ query: 'test=uid&uid=26' }), await connect({ query: 'test=uid&uid=26' })];
      const bystander = await connect({ query: 'test=uid&uid=27' });
      const res = await postBroadcast(app, { command: 'disconnect', payload: { identifier: '{"uid":"26"}', reconnect: true } }, BROADCAST_AUTH);
      expect(res.status).toBe(201);
      for (const client of [first, second]) {
        expect(await client.next()).toEqual({ type: 'disconnect', reconnect: true, reason: 'remote' });
        expect(await client.closed()).toBe(1000);
      }
      expect(await bystander.framesBeforePong()).toEqual([]);
    });

    it('Channel state: Channel state is kept between commands', async () => {
      const client = await connect();
      const identifier = identifierOf('StateChannel', { name: 'chipolino' });
      await confirmed(client, identifier);
      perform(client, identifier, 'tick');
      expect(await client.next()).toEqual({ identifier, message: { count: 3, name: 'chipolino' } });
      perform(client, identifier, 'tick');
      expect(await client.next()).toEqual({ identifier, message: { count: 5, name: 'chipolino' } });
    });
  });
});

describe.each(RPC_TRANSPORTS)('anyt server restart over %s RPC', (_transport, startRails) => {
  it('Server restart: Client receives disconnect message (and Rails gets its Disconnect call before the server is gone)', async () => {
    const rails = await startRails();
    const app = await startRpcApp(rails);
    try {
      const client = await railsClient(app, { query: 'test=reasons&reason=server_restart' });
      const closing = app.close();
      expect(await client.next()).toEqual({ type: 'disconnect', reconnect: true, reason: 'server_restart' });
      await closing;
      expect(rails.app.count('disconnect')).toBe(1);
    } finally {
      await rails.stop();
    }
  });
});
