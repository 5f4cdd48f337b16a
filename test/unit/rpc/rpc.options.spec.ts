import { validateSync } from 'class-validator';
import { optionsOf } from '../../../src/config/option.decorator.js';
import { deriveHttpRpcSecret } from '../../../src/rpc/http.rpc-client.js';
import { createRpcClient } from '../../../src/rpc/rpc-client-factory.js';
import { resolveRpcSettings, resolveRpcSlice, RpcOptions } from '../../../src/rpc/rpc.options.js';
import { describeConfig } from '../../../src/config/describe-config.js';
import { testConfig } from '../../support/modules.js';
import { CapturingLog } from '../../support/rpc-test-kit.js';

const options = (patch: Partial<RpcOptions> = {}): RpcOptions => Object.assign(new RpcOptions(), patch);
const problemsOf = (value: RpcOptions) => validateSync(value).map((e) => e.property);

describe('RpcOptions', () => {
  it("declares anycable-go's names, env variables and TOML keys", () => {
    const table = Object.fromEntries(optionsOf(RpcOptions).map((d) => [d.name, [d.env, d.toml]]));
    expect(table).toEqual({
      rpc_host: ['ANYCABLE_RPC_HOST', 'rpc.host'],
      norpc: ['ANYCABLE_NORPC', 'norpc'],
      rpc_concurrency: ['ANYCABLE_RPC_CONCURRENCY', 'rpc.concurrency'],
      rpc_enable_tls: ['ANYCABLE_RPC_ENABLE_TLS', 'rpc.enable_tls'],
      rpc_tls_verify: ['ANYCABLE_RPC_TLS_VERIFY', 'rpc.tls_verify'],
      rpc_tls_root_ca: ['ANYCABLE_RPC_TLS_ROOT_CA', 'rpc.tls_root_ca_path'],
      rpc_max_call_recv_size: ['ANYCABLE_RPC_MAX_CALL_RECV_SIZE', 'rpc.max_recv_size'],
      rpc_max_call_send_size: ['ANYCABLE_RPC_MAX_CALL_SEND_SIZE', 'rpc.max_send_size'],
      rpc_request_timeout: ['ANYCABLE_RPC_REQUEST_TIMEOUT', 'rpc.request_timeout'],
      rpc_command_timeout: ['ANYCABLE_RPC_COMMAND_TIMEOUT', 'rpc.command_timeout'],
      http_rpc_secret: ['ANYCABLE_HTTP_RPC_SECRET', 'rpc.secret'],
      http_rpc_timeout: ['ANYCABLE_HTTP_RPC_TIMEOUT', 'rpc.http_request_timeout'],
      'proxy-cookies': ['ANYCABLE_PROXY_COOKIES', 'rpc.proxy_cookies'],
      disconnect_mode: ['ANYCABLE_DISCONNECT_MODE', 'app.disconnect_mode'],
      disconnect_rate: ['ANYCABLE_DISCONNECT_RATE', 'disconnector.rate'],
      disconnect_backlog_size: ['ANYCABLE_DISCONNECT_BACKLOG_SIZE', 'disconnector.backlog_size'],
    });
    expect(optionsOf(RpcOptions).filter((d) => d.secret).map((d) => d.name)).toEqual(['http_rpc_secret']);
    expect(optionsOf(RpcOptions).every((d) => d.description.length > 10)).toBe(true);
  });

  it("defaults to anycable-go's values and passes validation", () => {
    const defaults = new RpcOptions();
    expect(defaults).toMatchObject({ rpcHost: 'localhost:50051', rpcConcurrency: 28, rpcTlsVerify: true, rpcCommandTimeout: 3000, proxyCookies: [], disconnectMode: 'auto', disconnectRate: 100, disconnectBacklogSize: 4096 });
    expect(problemsOf(defaults)).toEqual([]);
  });

  it('validates every rule and names the property', () => {
    const bad = options({ rpcHost: '', rpcConcurrency: 0, disconnectMode: 'sometimes' as never, disconnectRate: 0, disconnectBacklogSize: 0, rpcRequestTimeout: -1 });
    expect(problemsOf(bad).sort()).toEqual(['disconnectBacklogSize', 'disconnectMode', 'disconnectRate', 'rpcConcurrency', 'rpcHost', 'rpcRequestTimeout']);
  });
});

describe('resolveRpcSettings', () => {
  it('resolves the default to gRPC on localhost:50051 with no per-request deadline and a 3 s retry budget', () => {
    const { settings, problems } = resolveRpcSettings(options(), { secret: '' });
    expect(problems).toEqual([]);
    expect(settings.client).toEqual({
      transport: 'grpc',
      grpc: { targets: ['localhost:50051'], policy: { concurrency: 28, requestTimeoutMs: 0, commandTimeoutMs: 3000 }, tls: { enabled: false, verify: true, rootCaPem: undefined }, maxRecvSize: 0, maxSendSize: 0, keepaliveMs: 10_000 },
    });
    expect(settings.env).toEqual({ proxyCookies: [] });
    expect(settings.disconnect).toEqual({ mode: 'auto', queue: { rate: 100, backlogSize: 4096 } });
    expect(settings.summary).toBe('RPC enabled: grpc localhost:50051 (concurrency 28, tls off)');
  });

  it('resolves HTTP RPC: token from http_rpc_secret, else derived from secret; timeout 3000 unless set', () => {
    const derived = resolveRpcSettings(options({ rpcHost: 'http://rails:3000/_anycable' }), { secret: 's3cret' }).settings.client;
    expect(derived).toMatchObject({ transport: 'http', http: { url: 'http://rails:3000/_anycable', secret: deriveHttpRpcSecret('s3cret'), policy: { requestTimeoutMs: 3000 }, breaker: { minRequests: 10 } } });
    const explicit = resolveRpcSettings(options({ rpcHost: 'http://rails/_anycable', httpRpcSecret: 'tok', rpcRequestTimeout: 700 }), { secret: 's3cret' });
    expect(explicit.settings.client).toMatchObject({ http: { secret: 'tok', policy: { requestTimeoutMs: 700 } } });
    expect(explicit.settings.summary).not.toContain('tok');
    expect(resolveRpcSettings(options({ rpcHost: 'http://rails/_anycable', httpRpcTimeout: 250, rpcRequestTimeout: 700 }), { secret: '' }).settings.client).toMatchObject({ http: { secret: '', policy: { requestTimeoutMs: 250 } } });
  });

  it('is off with norpc or in public mode', () => {
    expect(resolveRpcSettings(options({ norpc: true }), { secret: '' }).settings.client).toEqual({ transport: 'none', reason: 'norpc' });
    expect(resolveRpcSettings(options(), { secret: '', public: true }).settings.client).toEqual({ transport: 'none', reason: 'public mode' });
    expect(createRpcClient({ transport: 'none', reason: 'norpc' }, new CapturingLog())).toBeUndefined();
  });

  it('turns TLS on with a root CA given as PEM text or a readable path, and reports an unreadable one', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(resolveRpcSettings(options({ rpcTlsRootCa: pem }), { secret: '' }).settings.client).toMatchObject({ grpc: { tls: { enabled: true, verify: true, rootCaPem: pem } } });
    const fromFile = resolveRpcSettings(options({ rpcTlsRootCa: '/etc/ca.pem', rpcTlsVerify: false }), { secret: '', readFile: () => pem });
    expect(fromFile.settings.client).toMatchObject({ grpc: { tls: { enabled: true, verify: false, rootCaPem: pem } } });
    const missing = resolveRpcSettings(options({ rpcTlsRootCa: '/nope/ca.pem' }), { secret: '' });
    expect(missing.problems).toEqual([expect.stringMatching(/^rpc_tls_root_ca: cannot read "\/nope\/ca.pem" \(ENOENT\)/)]);
  });

  it('reports a bad rpc_host by option name and resolves grpc-list:// to several targets', () => {
    expect(resolveRpcSettings(options({ rpcHost: 'grpc-list://a' }), { secret: '' }).problems).toEqual([expect.stringMatching(/^rpc_host: /)]);
    expect(resolveRpcSettings(options({ rpcHost: 'grpc-list://a:1,b:2' }), { secret: '' }).settings.client).toMatchObject({ grpc: { targets: ['a:1', 'b:2'] } });
  });

  it('keeps the cookie filter and builds the client the settings ask for', async () => {
    const { settings } = resolveRpcSettings(options({ proxyCookies: ['_session'], rpcHost: 'http://127.0.0.1:1/_anycable' }), { secret: '' });
    expect(settings.env).toEqual({ proxyCookies: ['_session'] });
    const client = createRpcClient(settings.client, new CapturingLog());
    expect(client?.name).toBe('rpc:http');
    expect(client?.readiness()).toEqual({ name: 'rpc:http', state: 'starting' });
    await client?.stop();
  });
});

describe('the rpc slice in the schema', () => {
  const app = { secret: 's', noauth: false, public: false, derivedBroadcastKey: '' };

  it('shows norpc as implied under public, and nothing implied otherwise', () => {
    expect(resolveRpcSlice(options(), { app: { ...app, public: true, noauth: true } }).implied).toEqual({ norpc: true });
    expect(resolveRpcSlice(options(), { app }).implied).toBeUndefined();
    expect(resolveRpcSlice(options({ norpc: true }), { app: { ...app, public: true } }).implied).toBeUndefined();
  });

  it('is read from flags, env and TOML names, and --print-config redacts http_rpc_secret', () => {
    const { config } = testConfig(['--rpc_host', 'http://rails/_anycable', '--disconnect_mode', 'never'], { ANYCABLE_HTTP_RPC_SECRET: 'rpc-token-value', ANYCABLE_PROXY_COOKIES: '_session,user' });
    expect(config.settings.rpc.client).toMatchObject({ transport: 'http', http: { secret: 'rpc-token-value' } });
    expect(config.settings.rpc.disconnect.mode).toBe('never');
    expect(config.settings.rpc.env).toEqual({ proxyCookies: ['_session', 'user'] });
    const printed = describeConfig(config);
    expect(printed).toContain('rpc.secret = "[REDACTED]"');
    expect(printed).toContain('rpc.host = "http://rails/_anycable"');
    expect(printed).not.toContain('rpc-token-value');
    expect(describeConfig(testConfig(['--public']).config)).toContain('norpc = true');
  });
});
