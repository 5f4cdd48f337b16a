/**
 * RPC over HTTP as anycable-go speaks it (rpc/http.go; the Rails side is
 * anycable-rb lib/anycable/httrpc/server.rb, mounted by anycable-rails at
 * `/_anycable`): `POST <rpc_host>/connect|command|disconnect` with the message
 * as snake_case JSON, `Authorization: Bearer <secret>`, and the call metadata
 * as `X-Anycable-Meta-*` headers. 401 is UNAUTHENTICATED, 400/422
 * INVALID_ARGUMENT, any other non-200 UNKNOWN (none retried); a network error
 * is UNAVAILABLE (retried); a TLS error is UNAUTHENTICATED. A circuit breaker
 * guards every request.
 */
import http from 'node:http';
import https from 'node:https';
import { connect } from 'node:net';
import { deriveSecret } from '../config/app.options.js';
import { CircuitBreaker, type BreakerState, type CircuitBreakerSettings } from './circuit-breaker.js';
import { decodeResponse, encodeRequest } from './http-rpc-json.js';
import type { Counters } from '../metrics/counters.js';
import { RpcCallPolicy, type RpcPolicySettings } from './rpc-call-policy.js';
import { callMetadata, type RpcAttempt, type RpcCallMeta, type RpcClient, type RpcOutcome, type RpcReadiness } from './rpc-client.js';
import type { RpcMethod, RpcRequests, RpcResponses } from './rpc-messages.js';
import { RPC_LOG_CONTEXT, RpcReachability, type RpcLog } from './rpc-reachability.js';
import type { RpcTlsSettings } from './rpc-tls.js';

/** Everything the HTTP client needs. */
export interface HttpRpcClientSettings {
  /** Base URL without trailing slash, e.g. `http://rails:3000/_anycable`. */
  url: string;
  /** `requestTimeoutMs` is the HTTP request timeout (`http_rpc_timeout`, 3000 ms by default). */
  policy: RpcPolicySettings;
  /** Applies to `https://` URLs. */
  tls: RpcTlsSettings;
  /** Bearer token (`http_rpc_secret`, or derived from `secret`); '' sends no Authorization header. */
  secret: string;
  /** Circuit breaker thresholds; `false` turns it off. */
  breaker: CircuitBreakerSettings | false;
  /** Largest response body accepted, bytes. */
  maxResponseSize: number;
  /** Reachability probe period for readiness, ms; 0 = no probe (readiness follows calls only). @default 5000 */
  probeMs?: number;
}

/** Default period of the HTTP RPC reachability probe. */
export const HTTP_RPC_PROBE_MS = 5000;

/** Hex HMAC-SHA256 of `rpc-cable` keyed by the application secret (anycable's derived HTTP RPC token). */
export function deriveHttpRpcSecret(secret: string): string {
  return deriveSecret(secret, 'rpc-cable');
}

/** Header prefix of call metadata (Ruby reads it as `HTTP_X_ANYCABLE_META_*`). */
export const META_HEADER_PREFIX = 'X-Anycable-Meta-';

const TLS_ERROR = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

/** See file comment. */
export class HttpRpcClient implements RpcClient {
  readonly name = 'rpc:http';
  private readonly reachability: RpcReachability;
  private readonly policy: RpcCallPolicy;
  private readonly agent: http.Agent;
  private readonly secure: boolean;
  private probeTimer?: NodeJS.Timeout;

  constructor(
    private readonly settings: HttpRpcClientSettings,
    log: RpcLog,
    counters?: Counters,
  ) {
    this.secure = settings.url.startsWith('https:');
    this.reachability = new RpcReachability(this.name, new URL(settings.url).origin, log);
    const breaker = settings.breaker
      ? new CircuitBreaker(settings.breaker, (from: BreakerState, to: BreakerState) => {
          log.logAt(to === 'open' ? 'warn' : 'info', `RPC circuit breaker ${to}`, { rpc: this.name, from }, RPC_LOG_CONTEXT);
        })
      : undefined;
    this.policy = new RpcCallPolicy(this.name, settings.policy, this.reachability, log, { breaker, counters });
    // why keep-alive: a Connect avalanche would otherwise open one TCP connection per call.
    this.agent = this.secure
      ? new https.Agent({ keepAlive: true, ...tlsOptions(settings.tls) })
      : new http.Agent({ keepAlive: true });
  }

  /** The concurrency limiter (in-flight and waiting counts, for metrics and tests). */
  get limiter() {
    return this.policy.limiter;
  }

  /**
   * Nothing to open (connections are made per call and kept alive by the agent), but readiness
   * must not wait for the first client: a TCP probe of the host now and every `probeMs` tells
   * whether Rails is reachable (gRPC gets the same from its channel state). Calls update it too.
   */
  async start(): Promise<void> {
    if (this.probeTimer || this.settings.probeMs === 0) return;
    await this.probe();
    this.probeTimer = setInterval(() => void this.probe(), this.settings.probeMs ?? HTTP_RPC_PROBE_MS).unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.probeTimer);
    this.probeTimer = undefined;
    await this.policy.stop(this.settings.policy.commandTimeoutMs);
    this.agent.destroy();
  }

  readiness(): RpcReadiness {
    return this.reachability.readiness();
  }

  connect(request: RpcRequests['connect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['connect']>> {
    return this.policy.run('connect', meta, (signal, timeoutMs) => this.attempt('connect', request, meta, signal, timeoutMs));
  }

  command(request: RpcRequests['command'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['command']>> {
    return this.policy.run('command', meta, (signal, timeoutMs) => this.attempt('command', request, meta, signal, timeoutMs));
  }

  disconnect(request: RpcRequests['disconnect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['disconnect']>> {
    return this.policy.run('disconnect', meta, (signal, timeoutMs) => this.attempt('disconnect', request, meta, signal, timeoutMs));
  }

  /** One TCP connect to the RPC host (no request: the Rails app logs nothing); bounded by the request timeout. */
  private probe(): Promise<void> {
    const url = new URL(this.settings.url);
    const port = Number(url.port || (this.secure ? 443 : 80));
    const timeoutMs = Math.min(this.settings.policy.requestTimeoutMs || HTTP_RPC_PROBE_MS, HTTP_RPC_PROBE_MS);
    return new Promise((resolve) => {
      const socket = connect({ host: url.hostname.replace(/^\[|\]$/g, ''), port, timeout: timeoutMs });
      const done = (error?: string) => {
        socket.destroy();
        if (error === undefined) this.reachability.markUp();
        else this.reachability.markDown(`probe: ${error}`);
        resolve();
      };
      socket.once('connect', () => done());
      socket.once('timeout', () => done(`no TCP connection within ${timeoutMs} ms`));
      socket.once('error', (error: NodeJS.ErrnoException) => done(error.code ?? error.message));
    });
  }

  /** The request headers of a call (the Authorization value is never logged). */
  private headersFor(meta: RpcCallMeta, body: string): Record<string, string> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) };
    for (const [key, value] of Object.entries(callMetadata(meta))) {
      // A key that cannot be a header name is skipped rather than failing the call.
      if (/^[A-Za-z0-9_-]+$/.test(key)) headers[META_HEADER_PREFIX + key.charAt(0).toUpperCase() + key.slice(1)] = value;
    }
    if (this.settings.secret) headers.Authorization = `Bearer ${this.settings.secret}`;
    return headers;
  }

  private attempt<M extends RpcMethod>(method: M, request: RpcRequests[M], meta: RpcCallMeta, signal: AbortSignal, timeoutMs: number): Promise<RpcAttempt<M>> {
    const body = JSON.stringify(encodeRequest(method, request));
    return new Promise((resolve) => {
      let req: http.ClientRequest | undefined;
      let timer: NodeJS.Timeout | undefined;
      let settled = false;
      const settle = (result: RpcAttempt<M>) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      };
      const onAbort = () => {
        settle({ ok: false, code: 'cancelled', message: 'cancelled' });
        req?.destroy();
      };
      try {
        const transport = this.secure ? https : http;
        req = transport.request(`${this.settings.url}/${method}`, { method: 'POST', headers: this.headersFor(meta, body), agent: this.agent });
      } catch (error) {
        // e.g. a metadata value with a newline: Node refuses the header synchronously.
        settle({ ok: false, code: 'invalid_argument', message: (error as Error).message });
        return;
      }
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          settle({ ok: false, code: 'deadline_exceeded', message: `no response within ${timeoutMs} ms` });
          req?.destroy();
        }, timeoutMs);
      }
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (error: NodeJS.ErrnoException) => {
        const tls = TLS_ERROR.test(error.code ?? '');
        settle({ ok: false, code: tls ? 'unauthenticated' : 'unavailable', message: `${error.code ?? 'error'}: ${error.message}` });
      });
      req.on('response', (res) => this.readResponse(method, res, settle));
      req.end(body);
    });
  }

  private readResponse<M extends RpcMethod>(method: M, res: http.IncomingMessage, settle: (result: RpcAttempt<M>) => void): void {
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      res.resume();
      if (status === 401) settle({ ok: false, code: 'unauthenticated', message: 'HTTP 401 (check http_rpc_secret / secret)' });
      else if (status === 400 || status === 422) settle({ ok: false, code: 'invalid_argument', message: `HTTP ${status}` });
      else settle({ ok: false, code: 'unknown', message: `HTTP ${status}` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > this.settings.maxResponseSize) {
        settle({ ok: false, code: 'unknown', message: `response larger than ${this.settings.maxResponseSize} bytes` });
        res.destroy();
      } else chunks.push(chunk);
    });
    res.on('error', (error) => settle({ ok: false, code: 'unavailable', message: `response interrupted: ${error.message}` }));
    res.on('end', () => {
      let json: unknown;
      try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        settle({ ok: false, code: 'unknown', message: 'response body is not JSON' });
        return;
      }
      const decoded = decodeResponse(method, json);
      settle(decoded.ok ? decoded : { ok: false, code: 'unknown', message: decoded.problem });
    });
  }
}

/** Node TLS options from the RPC TLS settings. */
function tlsOptions(tls: RpcTlsSettings): https.AgentOptions {
  const options: https.AgentOptions = { minVersion: 'TLSv1.2' };
  if (tls.rootCaPem) options.ca = tls.rootCaPem;
  if (!tls.verify) {
    options.rejectUnauthorized = false;
    options.checkServerIdentity = () => undefined;
  }
  return options;
}
