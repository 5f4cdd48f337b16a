/**
 * The RPC slice of the configuration: anycable-go's option names, env names
 * and `anycable.toml` keys (cli/options.go `rpcCLIFlags`,
 * `disconnectorCLIFlags`; rpc/config.go), declared with `@Option` and
 * class-validator rules, plus `resolveRpcSettings`, which turns the values
 * into what the RPC clients, the env builder and the disconnect queue take.
 * `rpcCapability` makes it the `rpc` slice of the one schema. The `headers`
 * allow-list belongs to the `server` slice (each connection's env is built from
 * it at upgrade); this slice keeps only the cookie filter applied on top of it.
 */
import { IsBoolean, IsIn, IsInt, IsString, Matches, Min } from 'class-validator';
import { defineCapability, type Resolved, type SharedSettings } from '../config/capability.js';
import { Option } from '../config/option.decorator.js';
import { DEFAULT_BREAKER_SETTINGS } from './circuit-breaker.js';
import type { DisconnectQueueSettings } from './disconnect-queue.js';
import type { GrpcRpcClientSettings } from './grpc.rpc-client.js';
import { deriveHttpRpcSecret, type HttpRpcClientSettings } from './http.rpc-client.js';
import type { RpcEnvSettings } from './rpc-env.js';
import { parseRpcHost } from './rpc-host.js';
import { readRootCa, type RpcTlsSettings } from './rpc-tls.js';
import { RPC_SETTINGS } from './rpc.tokens.js';

/** When a closed session gets a Disconnect call (anycable node/node.go). */
export const DISCONNECT_MODES = ['auto', 'always', 'never'] as const;
/** One of `DISCONNECT_MODES`. */
export type DisconnectMode = (typeof DISCONNECT_MODES)[number];

/** RPC options (group `rpc`); defaults are anycable-go's. */
export class RpcOptions {
  @Option({ kind: 'string', toml: 'rpc.host', description: 'RPC server: host:port, dns:///host:port or grpc-list://h1:p1,h2:p2 for gRPC; an http(s):// URL for HTTP RPC.' })
  @IsString() @Matches(/\S/, { message: 'rpc_host must not be empty' })
  rpcHost = 'localhost:50051';

  @Option({ kind: 'bool', toml: 'norpc', description: 'Run without RPC: connections need a JWT (or noauth), channels other than the built-in ones are rejected.' })
  @IsBoolean()
  norpc = false;

  @Option({ kind: 'int', toml: 'rpc.concurrency', description: 'RPC calls in flight at once; more wait in line (keep it below the Rails RPC pool size, 30 by default).' })
  @IsInt() @Min(1)
  rpcConcurrency = 28;

  @Option({ kind: 'bool', toml: 'rpc.enable_tls', description: 'Use TLS for gRPC connections (implied by rpc_tls_root_ca).' })
  @IsBoolean()
  rpcEnableTls = false;

  @Option({ kind: 'bool', toml: 'rpc.tls_verify', description: "Verify the RPC server's certificate chain and host name." })
  @IsBoolean()
  rpcTlsVerify = true;

  @Option({ kind: 'string', toml: 'rpc.tls_root_ca_path', description: 'Root CA for RPC TLS, as a PEM file path or PEM text (default: the system CAs).' })
  @IsString()
  rpcTlsRootCa = '';

  @Option({ kind: 'int', toml: 'rpc.max_recv_size', description: 'Largest RPC response accepted, in bytes (0 = 4 MiB, the gRPC default; also caps HTTP RPC bodies).' })
  @IsInt() @Min(0)
  rpcMaxCallRecvSize = 0;

  @Option({ kind: 'int', toml: 'rpc.max_send_size', description: 'Largest gRPC request sent, in bytes (0 = no limit).' })
  @IsInt() @Min(0)
  rpcMaxCallSendSize = 0;

  @Option({ kind: 'int', toml: 'rpc.request_timeout', description: 'Deadline of one RPC request in ms (0 = none for gRPC; HTTP RPC uses http_rpc_timeout).' })
  @IsInt() @Min(0)
  rpcRequestTimeout = 0;

  @Option({ kind: 'int', toml: 'rpc.command_timeout', description: 'Total time in ms one RPC call may spend retrying on RESOURCE_EXHAUSTED / UNAVAILABLE.' })
  @IsInt() @Min(0)
  rpcCommandTimeout = 3000;

  @Option({ kind: 'string', toml: 'rpc.secret', secret: true, description: 'Bearer token for HTTP RPC; defaults to hex HMAC-SHA256(secret, "rpc-cable").' })
  @IsString()
  httpRpcSecret = '';

  @Option({ kind: 'int', toml: 'rpc.http_request_timeout', description: 'HTTP RPC request timeout in ms (0 = rpc_request_timeout if set, else 3000).' })
  @IsInt() @Min(0)
  httpRpcTimeout = 0;

  @Option({ kind: 'list', name: 'proxy-cookies', toml: 'rpc.proxy_cookies', description: 'Cookie names kept in the Cookie header sent to RPC, comma-separated (empty = all); anycable-go\'s cookie filter.' })
  @IsString({ each: true })
  proxyCookies: string[] = [];

  @Option({ kind: 'string', toml: 'app.disconnect_mode', description: 'When to call Disconnect: auto (only sessions that used RPC), always, never.' })
  @IsIn(DISCONNECT_MODES as unknown as string[])
  disconnectMode: DisconnectMode = 'auto';

  @Option({ kind: 'int', toml: 'disconnector.rate', description: 'Disconnect calls started per second at most.' })
  @IsInt() @Min(1)
  disconnectRate = 100;

  @Option({ kind: 'int', toml: 'disconnector.backlog_size', description: 'Disconnect calls waiting at most; further ones are dropped with a warning.' })
  @IsInt() @Min(1)
  disconnectBacklogSize = 4096;
}

/** The RPC client to build, or why there is none. */
export type RpcClientSettings =
  | { transport: 'none'; reason: string }
  | { transport: 'grpc'; grpc: GrpcRpcClientSettings }
  | { transport: 'http'; http: HttpRpcClientSettings };

/** Where RPC goes, for the start-up line: `off (<why>)`, `grpc <targets>` or `http <origin><path>` (never credentials or a query). */
export function describeRpcTarget(client: RpcClientSettings): string {
  switch (client.transport) {
    case 'none':
      return `off (${client.reason})`;
    case 'grpc':
      return `grpc ${client.grpc.targets.join(',')}`;
    case 'http': {
      const url = new URL(client.http.url);
      return `http ${url.origin}${url.pathname === '/' ? '' : url.pathname}`;
    }
  }
}

/** Everything the RPC capability wires, resolved once at boot. */
export interface RpcSettings {
  client: RpcClientSettings;
  env: RpcEnvSettings;
  disconnect: { mode: DisconnectMode; queue: DisconnectQueueSettings };
  /** One line for the startup log (transport, host, concurrency); no secrets. */
  summary: string;
}

/** Inputs from outside the RPC slice. */
export interface RpcResolveDeps {
  /** The application `secret` (HTTP RPC token fallback). */
  secret: string;
  /** `public` development mode implies `norpc`. */
  public?: boolean;
  /** Reads `rpc_tls_root_ca` when it is a path. */
  readFile?: (path: string) => string;
}

/** HTTP RPC's default timeout and gRPC's default receive limit (anycable rpc/config.go, grpc-go). */
const HTTP_TIMEOUT_DEFAULT_MS = 3000;
const RECV_SIZE_DEFAULT = 4 * 1024 * 1024;

/** Resolve validated options into settings; `problems` name the option at fault. */
export function resolveRpcSettings(options: Readonly<RpcOptions>, deps: RpcResolveDeps): { settings: RpcSettings; problems: string[] } {
  const problems: string[] = [];
  const env: RpcEnvSettings = { proxyCookies: [...options.proxyCookies] };
  const disconnect = { mode: options.disconnectMode, queue: { rate: options.disconnectRate, backlogSize: options.disconnectBacklogSize } };
  const off = (reason: string) => ({ settings: { client: { transport: 'none', reason } as const, env, disconnect, summary: `RPC disabled (${reason})` }, problems });
  if (options.norpc) return off('norpc');
  if (deps.public) return off('public mode');

  const parsed = parseRpcHost(options.rpcHost);
  if (parsed.kind === 'invalid') {
    problems.push(`rpc_host: ${parsed.problem}`);
    return off('invalid rpc_host');
  }
  let rootCaPem: string | undefined;
  if (options.rpcTlsRootCa) {
    try {
      rootCaPem = readRootCa(options.rpcTlsRootCa, deps.readFile);
    } catch (error) {
      problems.push(`rpc_tls_root_ca: cannot read ${JSON.stringify(options.rpcTlsRootCa)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
  }
  const tls: RpcTlsSettings = { enabled: options.rpcEnableTls || Boolean(rootCaPem), verify: options.rpcTlsVerify, rootCaPem };
  const policy = { concurrency: options.rpcConcurrency, requestTimeoutMs: options.rpcRequestTimeout, commandTimeoutMs: options.rpcCommandTimeout };

  if (parsed.endpoint.transport === 'http') {
    const timeout = options.httpRpcTimeout || options.rpcRequestTimeout || HTTP_TIMEOUT_DEFAULT_MS;
    const secret = options.httpRpcSecret || (deps.secret ? deriveHttpRpcSecret(deps.secret) : '');
    const http: HttpRpcClientSettings = {
      url: parsed.endpoint.url,
      policy: { ...policy, requestTimeoutMs: timeout },
      tls,
      secret,
      breaker: { ...DEFAULT_BREAKER_SETTINGS },
      maxResponseSize: options.rpcMaxCallRecvSize || RECV_SIZE_DEFAULT,
    };
    const summary = `RPC enabled: http ${new URL(http.url).origin} (concurrency ${policy.concurrency}, timeout ${timeout} ms, auth ${secret ? 'bearer' : 'none'})`;
    return { settings: { client: { transport: 'http', http }, env, disconnect, summary }, problems };
  }
  const grpc: GrpcRpcClientSettings = {
    targets: parsed.endpoint.targets,
    policy,
    tls,
    maxRecvSize: options.rpcMaxCallRecvSize,
    maxSendSize: options.rpcMaxCallSendSize,
    keepaliveMs: 10_000,
  };
  const summary = `RPC enabled: grpc ${grpc.targets.join(',')} (concurrency ${policy.concurrency}, tls ${tls.enabled ? 'on' : 'off'})`;
  return { settings: { client: { transport: 'grpc', grpc }, env, disconnect, summary }, problems };
}

/** The `rpc` slice: `public` implies `norpc` (shown by `--print-config`), the HTTP RPC token falls back to `secret`. */
export function resolveRpcSlice(options: Readonly<RpcOptions>, shared: Pick<SharedSettings, 'app'>): Resolved<RpcSettings, RpcOptions> {
  const { settings, problems } = resolveRpcSettings(options, { secret: shared.app.secret, public: shared.app.public });
  return { settings, problems, warnings: [], ...(shared.app.public && !options.norpc ? { implied: { norpc: true } } : {}) };
}

/** The `rpc` capability, provided as `RPC_SETTINGS`. */
export const rpcCapability = defineCapability({ name: 'rpc', options: RpcOptions, token: RPC_SETTINGS, resolve: resolveRpcSlice });
