import { decodeResponse, encodeRequest, readStatus } from '../../../src/rpc/http-rpc-json.js';
import { connectionEnv } from '../../../src/connection/connection-state.js';
import { filterCookies, RpcEnvBuilder } from '../../../src/rpc/rpc-env.js';
import { parseRpcHost } from '../../../src/rpc/rpc-host.js';

describe('parseRpcHost', () => {
  it('picks HTTP RPC for http(s) URLs and drops the trailing slash', () => {
    expect(parseRpcHost('http://rails:3000/_anycable/')).toEqual({ kind: 'ok', endpoint: { transport: 'http', url: 'http://rails:3000/_anycable' } });
    expect(parseRpcHost('HTTPS://rails.example/_anycable')).toEqual({ kind: 'ok', endpoint: { transport: 'http', url: 'https://rails.example/_anycable' } });
  });

  it('passes gRPC targets through, including dns:/// and a grpc:// prefix', () => {
    expect(parseRpcHost('localhost:50051')).toEqual({ kind: 'ok', endpoint: { transport: 'grpc', targets: ['localhost:50051'] } });
    expect(parseRpcHost('dns:///rpc.internal:50051')).toEqual({ kind: 'ok', endpoint: { transport: 'grpc', targets: ['dns:///rpc.internal:50051'] } });
    expect(parseRpcHost('grpc://rpc:50051')).toEqual({ kind: 'ok', endpoint: { transport: 'grpc', targets: ['rpc:50051'] } });
  });

  it('splits grpc-list:// into targets and checks each one', () => {
    expect(parseRpcHost('grpc-list://a:1, b:2')).toEqual({ kind: 'ok', endpoint: { transport: 'grpc', targets: ['a:1', 'b:2'] } });
    expect(parseRpcHost('grpc-list://a:1,b')).toMatchObject({ kind: 'invalid' });
    expect(parseRpcHost('grpc-list://')).toMatchObject({ kind: 'invalid' });
  });

  it('refuses empty values, broken URLs and URLs with credentials', () => {
    expect(parseRpcHost(' ')).toMatchObject({ kind: 'invalid' });
    expect(parseRpcHost('http://')).toMatchObject({ kind: 'invalid' });
    expect(parseRpcHost('http://u:p@rails/_anycable')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('http_rpc_secret') });
  });
});

describe('RpcEnvBuilder', () => {
  const env = connectionEnv('http://example.com/cable?token=1', { cookie: 'a=1; _session=s; b=2', 'x-api-key': 'k' }, ['cookie', 'x-api-key'], '10.1.2.3');

  it("sends the connection's env as it is when no cookie filter is set (the same object every call)", () => {
    const builder = new RpcEnvBuilder({ proxyCookies: [] });
    expect(builder.requestEnv(env)).toEqual({ url: 'http://example.com/cable?token=1', headers: { cookie: 'a=1; _session=s; b=2', 'x-api-key': 'k', REMOTE_ADDR: '10.1.2.3' } });
    expect(builder.requestEnv(env).headers).toBe(env.headers);
  });

  it('filters the cookie header down to proxy-cookies, once per connection, and leaves it out when none remain', () => {
    const keep = new RpcEnvBuilder({ proxyCookies: ['_session'] });
    expect(keep.requestEnv(env).headers).toEqual({ cookie: '_session=s', 'x-api-key': 'k', REMOTE_ADDR: '10.1.2.3' });
    expect(keep.requestEnv(env).headers).toBe(keep.requestEnv(env).headers);
    expect(new RpcEnvBuilder({ proxyCookies: ['nope'] }).requestEnv(env).headers).toEqual({ 'x-api-key': 'k', REMOTE_ADDR: '10.1.2.3' });
    expect(filterCookies('a=1;b=x=y; c', ['b', 'c'])).toBe('b=x=y; c');
  });
});

describe('HTTP RPC JSON', () => {
  it('encodes snake_case keys, keeps map keys verbatim and omits empty fields', () => {
    const body = encodeRequest('command', {
      command: 'message', identifier: 'id', connectionIdentifiers: '{"u":1}', data: '{}',
      env: { url: 'http://h/', headers: { 'x-Mixed_Case': 'v' }, cstate: {}, istate: { someKey: '1' } },
    });
    expect(body).toEqual({ command: 'message', identifier: 'id', connection_identifiers: '{"u":1}', data: '{}', env: { url: 'http://h/', headers: { 'x-Mixed_Case': 'v' }, istate: { someKey: '1' } } });
    expect(encodeRequest('disconnect', { identifiers: '', subscriptions: [], env: { url: '', headers: {} } })).toEqual({ env: {} });
  });

  it('reads status as an integer, an enum name, or missing (= ERROR), and refuses anything else', () => {
    expect([1, 'SUCCESS', 2, 'FAILURE', 0, 'ERROR', undefined, null].map(readStatus)).toEqual([1, 1, 2, 2, 0, 0, 0, 0]);
    expect(['success', 3, 'toString', true].map(readStatus)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('decodes a full CommandResponse, also from lowerCamel keys, with defaults filled', () => {
    const decoded = decodeResponse('command', {
      status: 'SUCCESS', stopStreams: true, streams: ['s'], stopped_streams: ['x'], transmissions: ['t'], disconnect: true,
      env: { istate: { k: '' } }, presence: { type: 'join', id: 'u1', info: '{"n":1}' },
    });
    expect(decoded).toEqual({
      ok: true,
      response: { status: 1, disconnect: true, stopStreams: true, streams: ['s'], transmissions: ['t'], errorMsg: '', env: { cstate: {}, istate: { k: '' } }, stoppedStreams: ['x'], presence: { type: 'join', id: 'u1', info: '{"n":1}', ttl: 0 } },
    });
    expect(decodeResponse('disconnect', {})).toEqual({ ok: true, response: { status: 0, errorMsg: '' } });
  });

  it('refuses bodies that are not RPC responses', () => {
    expect(decodeResponse('connect', [])).toMatchObject({ ok: false });
    expect(decodeResponse('connect', { status: 1, transmissions: 'x' })).toMatchObject({ ok: false, problem: expect.stringContaining('transmissions') });
    expect(decodeResponse('command', { status: 1, env: { cstate: { a: 1 } } })).toMatchObject({ ok: false });
  });
});
