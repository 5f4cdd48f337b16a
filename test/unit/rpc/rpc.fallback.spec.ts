import { connectionEnv, EMPTY_STATE } from '../../../src/connection/connection-state.js';
import { RpcEnvBuilder } from '../../../src/rpc/rpc-env.js';
import { RpcFallback } from '../../../src/rpc/rpc.fallback.js';
import { RpcIdentifier } from '../../../src/rpc/rpc.identifier.js';
import type { DisconnectMode } from '../../../src/rpc/rpc.options.js';
import { testContext, testHandshake } from '../../support/contexts.js';
import { commandReply, RpcClientDouble } from '../../support/rpc-client-double.js';
import { CapturingLog } from '../../support/rpc-test-kit.js';

const ENV = connectionEnv('http://example.com/cable?x=1', { cookie: 'user=ann; _session=s; tracking=t', 'x-api-key': 'k' }, ['cookie', 'x-api-key'], '10.0.0.7');
const CHAT = '{"channel":"ChatChannel","room":"1"}';
const flush = () => new Promise((resolve) => setImmediate(resolve));

function fallbackWith(mode: DisconnectMode = 'auto', proxyCookies: string[] = []) {
  const client = new RpcClientDouble();
  const fallback = new RpcFallback(client, new RpcEnvBuilder({ proxyCookies }), { mode, queue: { rate: 1000, backlogSize: 10 } }, new CapturingLog());
  return { client, fallback };
}

describe('RpcFallback commands', () => {
  it('sends subscribe with the identifiers byte for byte, the env, the cstate and the subscription istate', async () => {
    const { client, fallback } = fallbackWith();
    const signal = new AbortController().signal;
    const ctx = testContext({ sid: 'sid-9', identifiers: '{"user":"gid://app/User/1"}', env: ENV, cstate: { c: '1' }, istate: (id) => (id === CHAT ? { room: '1' } : EMPTY_STATE), signal });
    client.onCommand = () => ({ kind: 'success', response: commandReply({ streams: ['chat_1'], transmissions: ['confirm'] }), attempts: 1 });
    expect(await fallback.subscribe(ctx, CHAT)).toMatchObject({ kind: 'confirmed', streams: ['chat_1'], transmissions: ['confirm'], disconnectInterest: true });
    const [call] = client.of('command');
    expect(call.request).toEqual({
      command: 'subscribe',
      identifier: CHAT,
      connectionIdentifiers: '{"user":"gid://app/User/1"}',
      env: { url: 'http://example.com/cable?x=1', headers: { cookie: 'user=ann; _session=s; tracking=t', 'x-api-key': 'k', REMOTE_ADDR: '10.0.0.7' }, cstate: { c: '1' }, istate: { room: '1' } },
    });
    expect(call.meta).toEqual({ sid: 'sid-9', signal });
  });

  it('sends message with data and unsubscribe without, and keeps only the proxy-cookies', async () => {
    const { client, fallback } = fallbackWith('auto', ['_session']);
    const ctx = testContext({ env: ENV });
    await fallback.perform(ctx, CHAT, '{"action":"speak"}');
    await fallback.unsubscribe(ctx, CHAT);
    const [perform, unsubscribe] = client.of('command').map((c) => c.request);
    expect(perform).toMatchObject({ command: 'message', data: '{"action":"speak"}', env: { headers: { cookie: '_session=s', 'x-api-key': 'k', REMOTE_ADDR: '10.0.0.7' } } });
    expect(unsubscribe).toMatchObject({ command: 'unsubscribe' });
    expect('data' in unsubscribe).toBe(false);
  });

  it('rejects a subscribe the RPC server could not answer', async () => {
    const { client, fallback } = fallbackWith();
    client.onCommand = () => ({ kind: 'error', code: 'unavailable', message: 'ECONNREFUSED', attempts: 5 });
    expect(await fallback.subscribe(testContext(), CHAT)).toEqual({ kind: 'rejected', reason: 'RPC unavailable: ECONNREFUSED' });
  });
});

describe('RpcFallback disconnect', () => {
  const closed = (interest: boolean) =>
    testContext({ sid: 'sid-3', identifiers: '{"user":"ann"}', env: ENV, disconnectInterest: interest, cstate: { c: '1' }, istate: (id) => (id === CHAT ? { room: '1' } : EMPTY_STATE) });

  it('queues one Disconnect with every subscription, the istate of each (JSON) and the cstate', async () => {
    const { client, fallback } = fallbackWith('auto');
    fallback.disconnect(closed(true), [CHAT, '{"channel":"Quiet"}']);
    await flush();
    const [call] = client.of('disconnect');
    expect(call.request).toEqual({
      identifiers: '{"user":"ann"}',
      subscriptions: [CHAT, '{"channel":"Quiet"}'],
      env: { url: 'http://example.com/cable?x=1', headers: ENV.headers, cstate: { c: '1' }, istate: { [CHAT]: '{"room":"1"}' } },
    });
    expect(call.meta).toEqual({ sid: 'sid-3' });
  });

  it.each([
    ['auto', false, 0],
    ['auto', true, 1],
    ['always', false, 1],
    ['never', true, 0],
  ] as const)('with disconnect_mode=%s and interest %s makes %i call(s)', async (mode, interest, calls) => {
    const { client, fallback } = fallbackWith(mode);
    fallback.disconnect(closed(interest), []);
    await flush();
    expect(client.of('disconnect')).toHaveLength(calls);
  });

  it('flushes what is queued on shutdown', async () => {
    const client = new RpcClientDouble();
    const fallback = new RpcFallback(client, new RpcEnvBuilder({ proxyCookies: [] }), { mode: 'always', queue: { rate: 1, backlogSize: 10 } }, new CapturingLog());
    for (let i = 0; i < 4; i++) fallback.disconnect(closed(false), []);
    expect(fallback.pendingDisconnects).toBe(3);
    expect(await fallback.flush(1000)).toEqual({ flushed: 4, unfinished: 0 });
    expect(client.of('disconnect')).toHaveLength(4);
  });
});

describe('RpcIdentifier', () => {
  it("sends Connect with the connection's env and its signal, and accepts with Rails' answer", async () => {
    const client = new RpcClientDouble();
    const signal = new AbortController().signal;
    const outcome = await new RpcIdentifier(client, new RpcEnvBuilder({ proxyCookies: ['user'] })).identify(testHandshake({ sid: 'sid-5', env: ENV, signal }));
    expect(outcome).toMatchObject({ kind: 'accepted', identifiers: '{"user":"ann"}', transmissions: ['{"type":"welcome"}'], disconnectInterest: true });
    expect(client.calls).toEqual([{ method: 'connect', request: { env: { url: 'http://example.com/cable?x=1', headers: { cookie: 'user=ann', 'x-api-key': 'k', REMOTE_ADDR: '10.0.0.7' } } }, meta: { sid: 'sid-5', signal } }]);
  });
});
