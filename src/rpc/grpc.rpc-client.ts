/**
 * RPC over gRPC with `@grpc/grpc-js`, service `anycable.RPC`, as anycable-go
 * dials it (rpc/rpc.go `defaultDialer`): round-robin load balancing, keepalive
 * pings every 10 s even without calls, optional TLS, optional message size
 * limits, and metadata `sid` + `protov: v1` on every call. Reachability comes
 * from the channels' connectivity states, so a Rails app that is down at boot
 * is reported (once) before any client connects.
 */
import grpc from '@grpc/grpc-js';
import type { Counters } from '../metrics/counters.js';
import { RpcCallPolicy, type RpcPolicySettings } from './rpc-call-policy.js';
import { callMetadata, type RpcAttempt, type RpcCallMeta, type RpcClient, type RpcErrorCode, type RpcOutcome, type RpcReadiness } from './rpc-client.js';
import { GRPC_METHOD_NAMES, isRpcStatusCode, normalizeResponse, type RpcMethod, type RpcRequests, type RpcResponses } from './rpc-messages.js';
import { loadRpcProto } from './rpc-proto.js';
import { RpcReachability, type RpcLog } from './rpc-reachability.js';
import type { RpcTlsSettings } from './rpc-tls.js';

/** Everything the gRPC client needs. */
export interface GrpcRpcClientSettings {
  /** grpc-js targets (`host:port`, `dns:///host:port`, ...); calls rotate over them. */
  targets: string[];
  policy: RpcPolicySettings;
  tls: RpcTlsSettings;
  /** Largest response accepted, bytes; 0 = grpc-js default (4 MiB). */
  maxRecvSize: number;
  /** Largest request sent, bytes; 0 = no limit. */
  maxSendSize: number;
  /** Keepalive ping interval. @default 10000 */
  keepaliveMs: number;
}

const CODES: ReadonlyMap<number, Exclude<RpcErrorCode, 'app_error' | 'circuit_open' | 'stopped'>> = new Map([
  [grpc.status.UNAVAILABLE, 'unavailable'],
  [grpc.status.RESOURCE_EXHAUSTED, 'resource_exhausted'],
  [grpc.status.DEADLINE_EXCEEDED, 'deadline_exceeded'],
  [grpc.status.CANCELLED, 'cancelled'],
  [grpc.status.UNAUTHENTICATED, 'unauthenticated'],
  [grpc.status.INVALID_ARGUMENT, 'invalid_argument'],
]);

type UnaryMethod = (request: unknown, metadata: grpc.Metadata, options: grpc.CallOptions, callback: (error: grpc.ServiceError | null, response?: unknown) => void) => grpc.ClientUnaryCall;

/** See file comment. */
export class GrpcRpcClient implements RpcClient {
  readonly name = 'rpc:grpc';
  private readonly reachability: RpcReachability;
  private readonly policy: RpcCallPolicy;
  private clients: grpc.Client[] = [];
  private states: grpc.connectivityState[] = [];
  private turn = 0;
  private stopped = false;

  constructor(
    private readonly settings: GrpcRpcClientSettings,
    log: RpcLog,
    counters?: Counters,
  ) {
    this.reachability = new RpcReachability(this.name, settings.targets.join(','), log);
    this.policy = new RpcCallPolicy(this.name, settings.policy, this.reachability, log, { reachabilityFromCalls: false, counters });
  }

  /** The concurrency limiter (in-flight and waiting counts, for metrics and tests). */
  get limiter() {
    return this.policy.limiter;
  }

  async start(): Promise<void> {
    if (this.clients.length > 0 || this.stopped) return;
    const { Client } = loadRpcProto();
    const credentials = this.credentials();
    this.clients = this.settings.targets.map((target) => new Client(target, credentials, this.channelOptions()));
    this.states = this.clients.map(() => grpc.connectivityState.IDLE);
    this.clients.forEach((client, index) => this.watch(client, index));
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.policy.stop(this.settings.policy.commandTimeoutMs);
    this.stopped = true;
    for (const client of this.clients) client.close();
  }

  readiness(): RpcReadiness {
    return this.reachability.readiness();
  }

  connect(request: RpcRequests['connect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['connect']>> {
    return this.call('connect', request, meta);
  }

  command(request: RpcRequests['command'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['command']>> {
    return this.call('command', request, meta);
  }

  disconnect(request: RpcRequests['disconnect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['disconnect']>> {
    return this.call('disconnect', request, meta);
  }

  private call<M extends RpcMethod>(method: M, request: RpcRequests[M], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses[M]>> {
    // Without channels every attempt would fail as UNAVAILABLE and be retried for the whole budget.
    if (this.clients.length === 0) return Promise.resolve({ kind: 'error', code: 'stopped', message: 'gRPC client not started', attempts: 0 });
    return this.policy.run(method, meta, (signal, timeoutMs) => this.attempt(method, request, meta, signal, timeoutMs));
  }

  private attempt<M extends RpcMethod>(method: M, request: RpcRequests[M], meta: RpcCallMeta, signal: AbortSignal, timeoutMs: number): Promise<RpcAttempt<M>> {
    const client = this.pick();
    if (!client) return Promise.resolve({ ok: false, code: 'unavailable', message: 'gRPC client not started' });
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(callMetadata(meta))) metadata.set(key, value);
    const options: grpc.CallOptions = timeoutMs > 0 ? { deadline: Date.now() + timeoutMs } : {};
    const unary = (client as unknown as Record<string, UnaryMethod>)[GRPC_METHOD_NAMES[method]];
    return new Promise((resolve) => {
      const onAbort = () => call.cancel();
      const call = unary.call(client, request, metadata, options, (error, response) => {
        signal.removeEventListener('abort', onAbort);
        if (error) resolve({ ok: false, code: CODES.get(error.code) ?? 'unknown', message: `${grpc.status[error.code] ?? error.code}: ${error.details}` });
        else resolve(decode(method, response));
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Next client in rotation, preferring one whose channel is READY (grpc-list:// with a server down). */
  private pick(): grpc.Client | undefined {
    const count = this.clients.length;
    if (count === 0 || this.stopped) return undefined;
    for (let i = 0; i < count; i++) {
      const index = (this.turn + i) % count;
      if (this.states[index] === grpc.connectivityState.READY) {
        this.turn = index + 1;
        return this.clients[index];
      }
    }
    return this.clients[this.turn++ % count];
  }

  /** Follow a channel's connectivity (and keep it connected, as keepalive without calls does in anycable-go). */
  private watch(client: grpc.Client, index: number): void {
    const channel = client.getChannel();
    const follow = () => {
      if (this.stopped) return;
      const state = channel.getConnectivityState(true);
      this.states[index] = state;
      this.updateReachability();
      channel.watchConnectivityState(state, Infinity, () => follow());
    };
    follow();
  }

  private updateReachability(): void {
    const { READY, TRANSIENT_FAILURE } = grpc.connectivityState;
    if (this.states.some((s) => s === READY)) this.reachability.markUp();
    else if (this.states.every((s) => s === TRANSIENT_FAILURE)) this.reachability.markDown('connection failed (TRANSIENT_FAILURE)');
  }

  private credentials(): grpc.ChannelCredentials {
    const { tls } = this.settings;
    if (!tls.enabled) return grpc.credentials.createInsecure();
    const verify = tls.verify
      ? {}
      : { rejectUnauthorized: false, checkServerIdentity: () => undefined };
    return grpc.credentials.createSsl(tls.rootCaPem ? Buffer.from(tls.rootCaPem) : null, null, null, verify);
  }

  private channelOptions(): grpc.ChannelOptions {
    const options: grpc.ChannelOptions = {
      'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }),
      'grpc.keepalive_time_ms': this.settings.keepaliveMs,
      'grpc.keepalive_permit_without_calls': 1,
      // why: grpc-js backs off up to 120 s between reconnects by default; after a Rails restart
      // calls would keep failing that long (anycable-go resets the backoff instead).
      'grpc.initial_reconnect_backoff_ms': 200,
      'grpc.max_reconnect_backoff_ms': 5000,
    };
    if (this.settings.maxRecvSize > 0) options['grpc.max_receive_message_length'] = this.settings.maxRecvSize;
    if (this.settings.maxSendSize > 0) options['grpc.max_send_message_length'] = this.settings.maxSendSize;
    return options;
  }
}

/** Check the status value and fill proto3 defaults. */
function decode<M extends RpcMethod>(method: M, response: unknown): RpcAttempt<M> {
  const status = (response as { status?: unknown } | undefined)?.status;
  if (!isRpcStatusCode(status)) return { ok: false, code: 'unknown', message: `response with unrecognized status ${JSON.stringify(status)}` };
  return { ok: true, response: normalizeResponse(method, { ...(response as object), status } as Partial<RpcResponses[M]> & { status: typeof status }) };
}
