/**
 * The wire format checked by a second implementation: cablecar's gRPC client
 * against a server built with Ruby's gRPC stack (the one anycable-rb uses),
 * from code generated out of the same rpc.proto. The Ruby side echoes what it
 * decoded and fills every response field.
 */
import { GrpcRpcClient } from '../../../src/rpc/grpc.rpc-client.js';
import { describeWithRubyGrpc, startRubyRpcServer, type RubyRpcServer } from '../../support/ruby-rpc-server.js';
import { CapturingLog, grpcSettings, within } from '../../support/rpc-test-kit.js';

const describeRuby = describeWithRubyGrpc();

describeRuby('GrpcRpcClient against a Ruby gRPC server (ruby-grpc, code from the same rpc.proto)', () => {
  let ruby: RubyRpcServer;
  let client: GrpcRpcClient;

  beforeAll(async () => {
    ruby = await startRubyRpcServer();
    client = new GrpcRpcClient(grpcSettings([ruby.target]), new CapturingLog());
    await client.start();
  }, 30_000);
  afterAll(async () => {
    await client?.stop();
    await ruby?.stop();
  });

  const env = { url: 'https://example.com/cable?room=1', headers: { cookie: 'user=ann; _session=abc', 'x-api-key': 'k', REMOTE_ADDR: '10.0.0.1' }, cstate: { c0: 'v0' } };

  it('Connect: metadata sid/protov, env url/headers/cstate arrive; SUCCESS, identifiers, transmissions and env decode', async () => {
    const outcome = await within(client.connect({ env }, { sid: 'sid-rb', extra: { 'x-trace': 't9' } }), 10_000);
    expect(outcome.kind).toBe('success');
    if (outcome.kind !== 'success') return;
    expect(JSON.parse(outcome.response.identifiers)).toEqual({
      metadata: { sid: 'sid-rb', protov: 'v1', 'x-trace': 't9' },
      env: { url: env.url, headers: env.headers, cstate: { c0: 'v0' }, istate: {} },
    });
    expect(outcome.response.transmissions).toEqual(['{"type":"welcome","sid":"sid-rb"}']);
    expect(outcome.response.env).toEqual({ cstate: { connected_by: 'ruby' }, istate: {} });
  });

  it('Connect FAILURE decodes status 2 and the unauthorized transmission', async () => {
    const outcome = await within(client.connect({ env: { url: env.url, headers: {} } }, { sid: 's' }), 10_000);
    expect(outcome).toMatchObject({ kind: 'failure', response: { status: 2, identifiers: '', transmissions: ['{"type":"disconnect","reason":"unauthorized","reconnect":false}'] } });
  });

  it('Command: command, identifier, connection_identifiers, data, istate/cstate arrive; every response field decodes', async () => {
    const identifier = '{"channel":"ChatChannel","room":"42"}';
    const outcome = await within(
      client.command(
        { command: 'message', identifier, connectionIdentifiers: '{"current_user":"ann"}', data: '{"action":"speak","text":"héllo"}', env: { ...env, istate: { room: '42' } } },
        { sid: 'sid-rb' },
      ),
      10_000,
    );
    expect(outcome.kind).toBe('success');
    if (outcome.kind !== 'success') return;
    const { transmissions, ...fields } = outcome.response;
    expect(fields).toEqual({
      status: 1,
      disconnect: false,
      stopStreams: true,
      streams: ['stream_a', 'stream_b'],
      stoppedStreams: ['stream_c'],
      errorMsg: '',
      env: { cstate: { c: '1', gone: '' }, istate: { i: '2' } },
      presence: { type: 'join', id: 'u1', info: '{"name":"Ann"}', ttl: 30 },
    });
    expect(JSON.parse(transmissions[0])).toEqual({
      metadata: { sid: 'sid-rb', protov: 'v1' },
      command: 'message',
      identifier,
      connection_identifiers: '{"current_user":"ann"}',
      data: '{"action":"speak","text":"héllo"}',
      env: { url: env.url, headers: env.headers, cstate: { c0: 'v0' }, istate: { room: '42' } },
    });
  });

  it('Command subscribe without data, and FAILURE / disconnect flags decode', async () => {
    const rejected = await within(client.command({ command: 'subscribe', identifier: '{"channel":"Reject"}', connectionIdentifiers: '', env: { url: env.url, headers: {} } }, { sid: 's' }), 10_000);
    expect(rejected.kind).toBe('failure');
    expect(rejected.kind === 'failure' && JSON.parse(rejected.response.transmissions[0])).toMatchObject({ command: 'subscribe', data: '', connection_identifiers: '' });
    const kicked = await within(client.command({ command: 'message', identifier: '{"channel":"X"}', connectionIdentifiers: '', data: '{"action":"kick"}', env: { url: env.url, headers: {} } }, { sid: 's' }), 10_000);
    expect(kicked).toMatchObject({ kind: 'success', response: { disconnect: true } });
  });

  it('Disconnect: identifiers, subscriptions and env (istate per identifier, cstate) arrive', async () => {
    const istate = { '{"channel":"ChatChannel","room":"42"}': '{"room":"42"}' };
    const subscriptions = ['{"channel":"ChatChannel","room":"42"}', '{"channel":"EchoChannel"}'];
    const outcome = await within(client.disconnect({ identifiers: '{"current_user":"ann"}', subscriptions, env: { ...env, istate } }, { sid: 'sid-bye' }), 10_000);
    expect(outcome).toMatchObject({ kind: 'success', response: { status: 1, errorMsg: '' } });
    const last = await within(client.command({ command: 'message', identifier: '{"channel":"LastDisconnect"}', connectionIdentifiers: '', env: { url: '', headers: {} } }, { sid: 's' }), 10_000);
    expect(last.kind === 'success' && JSON.parse(last.response.transmissions[0])).toEqual({
      metadata: { sid: 'sid-bye', protov: 'v1' },
      identifiers: '{"current_user":"ann"}',
      subscriptions,
      env: { url: env.url, headers: env.headers, cstate: { c0: 'v0' }, istate },
    });
  });
});
