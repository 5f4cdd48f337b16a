/**
 * cablecar's RPC fallback against a gRPC server written with Ruby's gRPC stack
 * (Debian's ruby-grpc + ruby-google-protobuf, code generated from the same
 * rpc.proto: test/fixtures/rpc/server.rb), the stack anycable-rb runs on. The
 * Ruby side echoes what it decoded, so each step checks the wire format through
 * real sessions: Connect env and metadata, Command with identifiers, state and
 * data, every response field applied, and the Disconnect call at close.
 */
import { SessionRegistry } from '../../src/hub/session-registry.js';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { RawClient, waitFor, type Frame } from '../support/raw-client.js';
import { describeWithRubyGrpc, startRubyRpcServer, type RubyRpcServer } from '../support/ruby-rpc-server.js';

const describeRuby = describeWithRubyGrpc();
const BROADCAST_KEY = 'ruby-e2e-key';
const ECHO = '{"channel":"Echo"}';

/** What the Ruby server echoes back for a Command (see server.rb). */
interface CommandEcho {
  metadata: Record<string, string>;
  command: string;
  identifier: string;
  connection_identifiers: string;
  data: string;
  env: { url: string; headers: Record<string, string>; cstate: Record<string, string>; istate: Record<string, string> };
}

describeRuby('RPC fallback against a Ruby gRPC server (ruby-grpc, code from the same rpc.proto)', () => {
  let ruby: RubyRpcServer;
  let app: TestApp;

  beforeAll(async () => {
    ruby = await startRubyRpcServer();
    app = await startApp(['--rpc_host', ruby.target, '--headers', 'cookie,x-api-key', '--broadcast_key', BROADCAST_KEY]);
  }, 30_000);
  afterAll(async () => {
    await app?.close();
    await ruby?.stop();
  });

  const connect = () => RawClient.welcomed(app.wsUrl('/cable?room=1'), { headers: { Cookie: 'user=ann; _session=abc', 'X-Api-Key': 'k', Authorization: 'Bearer not-forwarded' } });
  const echoOf = (frame: Frame): CommandEcho => JSON.parse(JSON.stringify(frame)) as CommandEcho;

  it('relays the welcome Ruby built from the sid metadata, and keeps the identifiers Ruby returned', async () => {
    const client = await connect();
    expect(client.texts[0]).toBe(JSON.stringify({ type: 'welcome', sid: client.sid }));
    const identifiers = app.app.get(SessionRegistry).all().find((s) => s.sid === client.sid)?.identifiers ?? '';
    expect(JSON.parse(identifiers)).toEqual({
      metadata: { sid: client.sid, protov: 'v1' },
      env: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cable\?room=1$/), headers: { cookie: 'user=ann; _session=abc', 'x-api-key': 'k', REMOTE_ADDR: '127.0.0.1' }, cstate: {}, istate: {} },
    });
    client.close();
  });

  it("sends Commands with the identifiers byte for byte, cstate and istate, and applies every field of Ruby's answers", async () => {
    const client = await connect();
    const identifiers = app.app.get(SessionRegistry).all().find((s) => s.sid === client.sid)!.identifiers;
    client.send({ command: 'subscribe', identifier: ECHO });
    const subscribed = echoOf(await client.next());
    expect(subscribed).toMatchObject({ metadata: { sid: client.sid, protov: 'v1' }, command: 'subscribe', identifier: ECHO, connection_identifiers: identifiers, data: '' });
    expect(subscribed.env).toMatchObject({ cstate: { connected_by: 'ruby' }, istate: {}, headers: { cookie: 'user=ann; _session=abc', 'x-api-key': 'k', REMOTE_ADDR: '127.0.0.1' } });
    // streams: stream_a and stream_b joined (after stop_streams), stream_c ignored (stop_streams wins)
    const res = await postBroadcast(app, { stream: 'stream_b', data: '{"via":"b"}' }, { Authorization: `Bearer ${BROADCAST_KEY}` });
    expect(res.status).toBe(201);
    expect(await client.next()).toEqual({ identifier: ECHO, message: { via: 'b' } });
    client.send({ command: 'message', identifier: ECHO, data: '{"action":"look"}' });
    const performed = echoOf(await client.next());
    expect(performed).toMatchObject({ command: 'message', data: '{"action":"look"}', connection_identifiers: identifiers });
    expect(performed.env.cstate).toEqual({ connected_by: 'ruby', c: '1' });
    expect(performed.env.istate).toEqual({ i: '2' });
    client.close();
  });

  it("forwards Ruby's transmissions on FAILURE instead of a reject frame of its own", async () => {
    const client = await connect();
    const reject = '{"channel":"Reject"}';
    client.send({ command: 'subscribe', identifier: reject });
    expect(echoOf(await client.next())).toMatchObject({ command: 'subscribe', identifier: reject });
    expect(await client.framesBeforePong()).toEqual([]);
    client.close();
  });

  it('makes one Disconnect call with the subscriptions, their istate as JSON and the cstate when the client leaves', async () => {
    const client = await connect();
    client.send({ command: 'subscribe', identifier: ECHO });
    await client.next();
    client.send({ command: 'subscribe', identifier: '{"channel":"Reject"}' });
    await client.next();
    const sid = client.sid;
    client.close();
    const observer = await connect();
    // LastDisconnect answers with the last Disconnect Ruby received (JSON `null` before the first one).
    const lastDisconnect = async (n: number): Promise<Record<string, unknown> | null> => {
      const seen = observer.texts.length;
      observer.send({ command: 'subscribe', identifier: JSON.stringify({ channel: 'LastDisconnect', n }) });
      await waitFor(() => observer.texts.length > seen, 3000, 'the LastDisconnect answer');
      return JSON.parse(observer.texts[seen]) as Record<string, unknown> | null;
    };
    let disconnect: Record<string, unknown> | null = null;
    for (let n = 0; (disconnect?.metadata as { sid?: string } | undefined)?.sid !== sid; n++) {
      if (n > 50) throw new Error('no Disconnect call reached Ruby');
      if (n > 0) await new Promise((r) => setTimeout(r, 100));
      disconnect = await lastDisconnect(n);
    }
    expect(disconnect).toMatchObject({
      metadata: { sid, protov: 'v1' },
      subscriptions: [ECHO],
      env: { cstate: { connected_by: 'ruby', c: '1' }, istate: { [ECHO]: '{"i":"2"}' }, headers: { cookie: 'user=ann; _session=abc', 'x-api-key': 'k', REMOTE_ADDR: '127.0.0.1' } },
    });
    observer.close();
  });

  it('closes the connection after the transmissions when Ruby answers disconnect: true', async () => {
    const client = await connect();
    client.send({ command: 'subscribe', identifier: ECHO });
    await client.next();
    client.send({ command: 'message', identifier: ECHO, data: '{"action":"kick"}' });
    expect(echoOf(await client.next())).toMatchObject({ command: 'message' });
    expect(await client.closed()).toBe(1000);
    expect(client.closeReason).toBe('Command Failed');
  });
});
