/**
 * Signed streams end to end: the real app on port 0, names signed by Ruby's
 * ActiveSupport (test/fixtures/signed-streams), raw `ws` clients for protocol
 * edges, `@rails/actioncable` and `@anycable/core` for the happy paths, and a
 * counting fake RPC server (HTTP RPC on) proving the signed path never calls
 * Rails: only the `message` commands a Turbo subscription hands on reach it.
 */
import WebSocket from 'ws';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { FakeRpcServer } from '../support/fake-rpc-server.js';
import { RawClient, waitFor, type Frame } from '../support/raw-client.js';
import { fixtureCase, vectors } from '../unit/signed-streams/fixtures.js';

const BROADCAST_KEY = 'e2e-broadcast-key';
const AUTH = { Authorization: `Bearer ${BROADCAST_KEY}` };
const KEYS = vectors.keys;

/** The stream a verified fixture case names. */
const streamOf = (id: string): string => {
  const expected = fixtureCase(id).expect;
  if (expected.kind !== 'verified') throw new Error(`${id} is not a valid case`);
  return expected.stream;
};
const turboId = (signed: string) => JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: signed });
const cableReadyId = (signed: string) => JSON.stringify({ channel: 'CableReady::Stream', identifier: signed });
const pubsubSignedId = (signed: string) => JSON.stringify({ channel: '$pubsub', signed_stream_name: signed });

/** `ActiveSupport::JSON.encode(string)`: what Rails puts in `data` for a Turbo Stream (escapes <, >, &). */
const railsJsonString = (html: string): string =>
  JSON.stringify(html).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');


/** Post a broadcast and expect 201. */
async function broadcast(app: TestApp, stream: string, data: string): Promise<void> {
  const res = await postBroadcast(app, { stream, data }, AUTH);
  expect(res.status).toBe(201);
}

/** Assert `client` gets nothing matching `unwanted` before a sentinel broadcast on `sentinelStream` arrives. */
async function expectNothingBefore(client: RawClient, app: TestApp, sentinelStream: string, unwanted: (f: Frame) => boolean): Promise<void> {
  await broadcast(app, sentinelStream, JSON.stringify({ sentinel: true }));
  const seen = await client.framesBefore((f) => (f.message as { sentinel?: boolean } | undefined)?.sentinel === true);
  expect(seen.filter(unwanted)).toEqual([]);
}

describe('Signed streams e2e', () => {
  let app: TestApp;
  let rpc: FakeRpcServer;
  const clients: RawClient[] = [];
  const connect = async () => {
    const c = await RawClient.welcomed(app.wsUrl());
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    rpc = await FakeRpcServer.start();
    app = await startApp([
      '--noauth',
      '--broadcast_key', BROADCAST_KEY,
      '--public_streams',
      '--streams_secret', KEYS.streams,
      '--streams_secret_previous', KEYS.streams_previous,
      '--turbo_streams',
      '--turbo_streams_secret', KEYS.turbo,
      '--cable_ready',
      '--cable_ready_secret', KEYS.cable_ready,
      '--rpc_host', rpc.url,
    ]);
  });
  afterAll(async () => {
    clients.forEach((c) => c.close());
    await app.close();
    await rpc.close();
  });

  describe('Turbo::StreamsChannel', () => {
    it('confirms a Ruby-signed name (gid with colons and slashes) and delivers broadcasts to it', async () => {
      const client = await connect();
      const c = fixtureCase('turbo-gid-colons');
      const identifier = turboId(c.signed);
      expect(await client.subscribe(identifier)).toEqual({ identifier, type: 'confirm_subscription' });
      const html = '<turbo-stream action="append" target="comments"><template><p>Hi & bye</p></template></turbo-stream>';
      await broadcast(app, streamOf('turbo-gid-colons'), railsJsonString(html));
      expect(await client.next()).toEqual({ identifier, message: html });
    });

    it('handles unicode stream names', async () => {
      const client = await connect();
      const identifier = turboId(fixtureCase('turbo-unicode').signed);
      expect(await client.subscribe(identifier)).toMatchObject({ type: 'confirm_subscription' });
      await broadcast(app, streamOf('turbo-unicode'), JSON.stringify('ok'));
      expect(await client.next()).toEqual({ identifier, message: 'ok' });
    });

    it.each([
      ['a tampered name', () => turboId(fixtureCase('tampered-data').signed)],
      ['a name signed with another key', () => turboId(fixtureCase('wrong-key').signed)],
      ['a CableReady-signed name', () => turboId(fixtureCase('cable-ready-simple').signed)],
      ['a signed non-string value', () => turboId(fixtureCase('value-object').signed)],
      ['a missing signed_stream_name', () => JSON.stringify({ channel: 'Turbo::StreamsChannel' })],
      ['an unsigned name', () => turboId('chat:1')],
    ])('rejects %s', async (_label, identifier) => {
      const client = await connect();
      const id = identifier();
      expect(await client.subscribe(id)).toEqual({ identifier: id, type: 'reject_subscription' });
    });

    it('stops delivery after unsubscribe', async () => {
      const client = await connect();
      const identifier = turboId(fixtureCase('turbo-slashes').signed);
      const stream = streamOf('turbo-slashes');
      await client.subscribe(identifier);
      await broadcast(app, stream, JSON.stringify('first'));
      expect(await client.next()).toEqual({ identifier, message: 'first' });
      client.send({ command: 'unsubscribe', identifier });
      const sentinel = turboId(fixtureCase('turbo-simple').signed);
      await client.subscribe(sentinel); // processed after the unsubscribe (per-session order)
      await broadcast(app, stream, JSON.stringify('second'));
      await expectNothingBefore(client, app, streamOf('turbo-simple'), (f) => f.identifier === identifier);
    });

    it('hands message commands to the fallback: a Command RPC with the data (anycable router/router.go)', async () => {
      const client = await connect();
      const identifier = turboId(fixtureCase('turbo-simple').signed);
      await client.subscribe(identifier);
      client.send({ command: 'message', identifier, data: JSON.stringify({ action: 'speak' }) });
      const call = await waitFor(() => rpc.calls.find((c) => c.method === 'command'), 3000, 'the forwarded message');
      expect(call.body).toMatchObject({ command: 'message', identifier, data: '{"action":"speak"}', connection_identifiers: JSON.stringify({ sid: client.sid }) });
    });
  });

  describe('CableReady::Stream', () => {
    it('confirms a Ruby-signed identifier param and delivers operations', async () => {
      const client = await connect();
      const identifier = cableReadyId(fixtureCase('cable-ready-simple').signed);
      expect(await client.subscribe(identifier)).toEqual({ identifier, type: 'confirm_subscription' });
      const payload = { cableReady: true, operations: [{ operation: 'consoleLog', message: 'hi' }] };
      await broadcast(app, streamOf('cable-ready-simple'), JSON.stringify(payload));
      expect(await client.next()).toEqual({ identifier, message: payload });
    });

    it('rejects a Turbo-signed name and a name passed as signed_stream_name', async () => {
      const client = await connect();
      const wrongKey = cableReadyId(fixtureCase('turbo-simple').signed);
      expect(await client.subscribe(wrongKey)).toMatchObject({ type: 'reject_subscription' });
      const wrongParam = JSON.stringify({ channel: 'CableReady::Stream', signed_stream_name: fixtureCase('cable-ready-simple').signed });
      expect(await client.subscribe(wrongParam)).toMatchObject({ type: 'reject_subscription' });
    });
  });

  describe('$pubsub', () => {
    it('accepts AnyCable URL-safe signed names (base64 with - and _)', async () => {
      const client = await connect();
      for (const id of ['anycable-urlsafe-dash', 'anycable-urlsafe-underscore', 'anycable-urlsafe-unicode']) {
        const identifier = pubsubSignedId(fixtureCase(id).signed);
        expect(await client.subscribe(identifier)).toEqual({ identifier, type: 'confirm_subscription' });
        await broadcast(app, streamOf(id), JSON.stringify({ id }));
        expect(await client.next()).toEqual({ identifier, message: { id } });
      }
    });

    it('accepts names signed with a previous streams secret (rotation)', async () => {
      const client = await connect();
      const identifier = pubsubSignedId(fixtureCase('rotation-previous-key').signed);
      expect(await client.subscribe(identifier)).toMatchObject({ type: 'confirm_subscription' });
    });

    it('rejects expired Rails envelopes (legacy 6.1 form and 7.1 form) and accepts unexpired ones', async () => {
      const client = await connect();
      for (const id of ['legacy-expired', 'rails71-expired-no-purpose']) {
        expect(await client.subscribe(pubsubSignedId(fixtureCase(id).signed))).toMatchObject({ type: 'reject_subscription' });
      }
      for (const id of ['legacy-expires-at-future', 'rails71-expires-future']) {
        expect(await client.subscribe(pubsubSignedId(fixtureCase(id).signed))).toMatchObject({ type: 'confirm_subscription' });
      }
    });

    it('rejects identifiers that are not JSON objects with a channel', async () => {
      const client = await connect();
      expect(await client.subscribe('{"channel":"$pubsub",')).toEqual({ identifier: '{"channel":"$pubsub",', type: 'reject_subscription' });
    });

    it('delivers whispers on public streams to the others, not the sender', async () => {
      const [a, b] = [await connect(), await connect()];
      const identifier = JSON.stringify({ channel: '$pubsub', stream_name: 'whisper:public' });
      await a.subscribe(identifier);
      await b.subscribe(identifier);
      a.send({ command: 'whisper', identifier, data: { typing: 'alice' } });
      expect(await b.next()).toEqual({ identifier, message: { typing: 'alice' } });
      await a.subscribe(pubsubSignedId(fixtureCase('anycable-plain').signed));
      await expectNothingBefore(a, app, streamOf('anycable-plain'), (f) => f.identifier === identifier);
    });

    it('ignores whispers on signed streams without streams_whisper', async () => {
      const [a, b] = [await connect(), await connect()];
      const identifier = pubsubSignedId(fixtureCase('anycable-plain').signed);
      await a.subscribe(identifier);
      await b.subscribe(identifier);
      a.send({ command: 'whisper', identifier, data: { typing: 'alice' } });
      await expectNothingBefore(b, app, streamOf('anycable-plain'), (f) => (f.message as { typing?: string } | undefined)?.typing === 'alice');
    });
  });

  describe('real clients', () => {
    it('@rails/actioncable subscribes to a Turbo stream and receives a broadcast', async () => {
      // The Rails client expects browser globals: a WebSocket class, addEventListener and document.visibilityState.
      const g = globalThis as Record<string, unknown>;
      g.addEventListener ??= () => undefined;
      g.removeEventListener ??= () => undefined;
      g.document ??= { visibilityState: 'visible' };
      const specifier = '@rails/actioncable';
      const ActionCable = (await import(specifier)) as RailsActionCable;
      ActionCable.adapters.WebSocket = WebSocket;
      const consumer = ActionCable.createConsumer(app.wsUrl());
      const received: unknown[] = [];
      let connected = false;
      let rejected = false;
      let badRejected = false;
      consumer.subscriptions.create(
        { channel: 'Turbo::StreamsChannel', signed_stream_name: fixtureCase('turbo-simple').signed },
        { connected: () => (connected = true), rejected: () => (rejected = true), received: (data: unknown) => received.push(data) },
      );
      consumer.subscriptions.create(
        { channel: 'Turbo::StreamsChannel', signed_stream_name: fixtureCase('wrong-key').signed },
        { rejected: () => (badRejected = true) },
      );
      try {
        await waitFor(() => connected, 5000, '@rails/actioncable connected');
        await waitFor(() => badRejected, 5000, '@rails/actioncable rejected');
        expect(rejected).toBe(false);
        const html = '<turbo-stream action="append" target="messages"><template><p>from rails client</p></template></turbo-stream>';
        await broadcast(app, streamOf('turbo-simple'), railsJsonString(html));
        await waitFor(() => received.length > 0, 5000, '@rails/actioncable received');
        expect(received).toEqual([html]);
      } finally {
        consumer.disconnect();
      }
    });

    it('@anycable/core subscribes to Turbo, CableReady and signed $pubsub streams and receives broadcasts', async () => {
      const { createCable } = await import('@anycable/core');
      const cable = createCable(app.wsUrl(), { websocketImplementation: WebSocket, logLevel: 'error', monitor: false });
      try {
        const turbo = cable.subscribeTo('Turbo::StreamsChannel', { signed_stream_name: fixtureCase('turbo-unicode').signed });
        const cableReady = cable.subscribeTo('CableReady::Stream', { identifier: fixtureCase('cable-ready-simple').signed });
        const pubsub = cable.streamFromSigned(fixtureCase('anycable-urlsafe-dash').signed);
        const got: Record<string, unknown[]> = { turbo: [], cableReady: [], pubsub: [] };
        turbo.on('message', (m: unknown) => got.turbo.push(m));
        cableReady.on('message', (m: unknown) => got.cableReady.push(m));
        pubsub.on('message', (m: unknown) => got.pubsub.push(m));
        await withTimeout(Promise.all([turbo.ensureSubscribed(), cableReady.ensureSubscribed(), pubsub.ensureSubscribed()]), 5000, '@anycable/core subscriptions');
        await broadcast(app, streamOf('turbo-unicode'), railsJsonString('<turbo-stream action="remove" target="x"></turbo-stream>'));
        await broadcast(app, streamOf('cable-ready-simple'), JSON.stringify({ cableReady: true, operations: [] }));
        await broadcast(app, streamOf('anycable-urlsafe-dash'), JSON.stringify({ n: 1 }));
        await waitFor(() => got.turbo.length && got.cableReady.length && got.pubsub.length, 5000, '@anycable/core messages');
        expect(got).toEqual({
          turbo: ['<turbo-stream action="remove" target="x"></turbo-stream>'],
          cableReady: [{ cableReady: true, operations: [] }],
          pubsub: [{ n: 1 }],
        });
        const rejected = cable.subscribeTo('Turbo::StreamsChannel', { signed_stream_name: fixtureCase('tampered-digest').signed });
        await expect(withTimeout(rejected.ensureSubscribed(), 5000, 'rejection')).rejects.toThrow();
      } finally {
        cable.disconnect();
      }
    });
  });

  it('made zero RPC calls on the signed path (no Connect, no subscribe, no Disconnect): only the forwarded message', () => {
    expect(rpc.calls.map((c) => `${c.method} ${(c.body as { command?: string }).command ?? ''}`)).toEqual(['command message']);
  });
});

describe('Signed streams e2e with streams_whisper', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--noauth', '--broadcast_key', BROADCAST_KEY, '--streams_secret', KEYS.streams, '--streams_whisper']);
  });
  afterAll(() => app.close());

  it('delivers whispers on signed $pubsub streams to the others, not the sender', async () => {
    const [a, b] = [await RawClient.welcomed(app.wsUrl()), await RawClient.welcomed(app.wsUrl())];
    try {
      const identifier = pubsubSignedId(fixtureCase('anycable-plain').signed);
      await a.subscribe(identifier);
      await b.subscribe(identifier);
      a.send({ command: 'whisper', identifier, data: { typing: 'alice' } });
      expect(await b.next()).toEqual({ identifier, message: { typing: 'alice' } });
      await expectNothingBefore(a, app, streamOf('anycable-plain'), (f) => (f.message as { typing?: string } | undefined)?.typing === 'alice');
    } finally {
      a.close();
      b.close();
    }
  });

  it('leaves Turbo::StreamsChannel to the fallback when turbo_streams is off (rejected: no RPC)', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    try {
      expect(await client.subscribe(turboId(fixtureCase('turbo-simple').signed))).toMatchObject({ type: 'reject_subscription' });
    } finally {
      client.close();
    }
  });
});

/** The part of `@rails/actioncable` used here (the package ships no types). */
interface RailsActionCable {
  adapters: { WebSocket: unknown };
  createConsumer(url: string): {
    subscriptions: { create(params: object, mixin: Record<string, (...args: never[]) => unknown>): unknown };
    disconnect(): void;
  };
}

/** Reject when `promise` does not settle within `ms`. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
