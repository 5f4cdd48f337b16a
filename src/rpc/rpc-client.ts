/**
 * The RPC seam: how cablecar asks the Rails app (anycable-rb / anycable-rails)
 * to connect, run a channel command or note a disconnect. Implementations
 * (`grpc.rpc-client.ts`, `http.rpc-client.ts`) never throw for transport
 * problems: every call ends in an `RpcOutcome` value (anycable rpc/rpc.go
 * returns `(reply, err)` the same way).
 */
import type { EdgeReadiness, IoEdge } from '../lifecycle/io-edge.js';
import type { RpcMethod, RpcRequests, RpcResponses } from './rpc-messages.js';

/**
 * Why a call produced no usable answer. Mirrors the gRPC status codes
 * anycable-go acts on (rpc/rpc.go, rpc/http.go), plus the two local refusals.
 */
export type RpcErrorCode =
  /** Rails answered with status ERROR (an exception in the app); `response.errorMsg` says which. */
  | 'app_error'
  /** The server could not be reached (connection refused/reset, DNS, HTTP network error); retried. */
  | 'unavailable'
  /** The server is overloaded (gRPC RESOURCE_EXHAUSTED); retried with a shorter backoff. */
  | 'resource_exhausted'
  /** No answer within the per-call deadline or the retry budget. */
  | 'deadline_exceeded'
  /** The caller's signal fired (its session closed) or the client stopped mid-call. */
  | 'cancelled'
  /** The server refused our credentials (HTTP 401, TLS failure, gRPC UNAUTHENTICATED). */
  | 'unauthenticated'
  /** The server refused the request body (HTTP 400/422, gRPC INVALID_ARGUMENT). */
  | 'invalid_argument'
  /** The HTTP RPC circuit breaker is open: the call was not attempted. */
  | 'circuit_open'
  /** The client is stopped (or never started): the call was not attempted. */
  | 'stopped'
  /** Anything else: another HTTP status or gRPC code, an undecodable response. */
  | 'unknown';

/** The result of one RPC call, switched on exhaustively by callers. */
export type RpcOutcome<R> =
  /** Status SUCCESS. */
  | { kind: 'success'; response: R; attempts: number }
  /** Status FAILURE: Rails refused (unauthorized connection, rejected subscription); transmissions still apply. */
  | { kind: 'failure'; response: R; attempts: number }
  /** No usable answer; `response` is present only for `app_error` (status ERROR). */
  | { kind: 'error'; code: RpcErrorCode; message: string; attempts: number; response?: R };

/** Per-call metadata: who is calling, extra meta for the app, and how to cancel. */
export interface RpcCallMeta {
  /** Session id, sent as gRPC metadata `sid` / header `X-Anycable-Meta-Sid`. */
  sid: string;
  /** Extra meta sent as gRPC metadata `<key>` / header `X-Anycable-Meta-<Key>` (lower-case keys). */
  extra?: Readonly<Record<string, string>>;
  /** Aborting it cancels the call wherever it is (queued, in flight, or waiting to retry). */
  signal?: AbortSignal;
}

/** Readiness of the RPC client, as health and shutdown see every edge alike. */
export type RpcReadiness = EdgeReadiness;

/** What the rest of cablecar sees of the RPC transport: an I/O edge with three calls. */
export interface RpcClient extends IoEdge {
  /** Short name for logs and readiness (`rpc:grpc`, `rpc:http`). */
  readonly name: string;
  /** Open channels; never fails because the server is down (that is reported through readiness). */
  start(): Promise<void>;
  /** Refuse new calls, let in-flight calls finish within the retry budget, cancel the rest, close channels. */
  stop(): Promise<void>;
  readiness(): RpcReadiness;
  connect(request: RpcRequests['connect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['connect']>>;
  command(request: RpcRequests['command'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['command']>>;
  disconnect(request: RpcRequests['disconnect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['disconnect']>>;
}

/** One transport attempt: a decoded response, or why there is none. Transports produce these; the policy retries on them. */
export type RpcAttempt<M extends RpcMethod> =
  | { ok: true; response: RpcResponses[M] }
  | { ok: false; code: Exclude<RpcErrorCode, 'app_error' | 'circuit_open' | 'stopped'>; message: string };

/** Metadata keys sent on every call (anycable rpc/rpc.go `newContext`; the Ruby side rejects calls without `protov` v1). */
export const PROTO_VERSION = 'v1';

/** The metadata pairs of a call: `sid`, `protov` and the caller's extras (which cannot override the first two). */
export function callMetadata(meta: RpcCallMeta): Record<string, string> {
  return { ...meta.extra, sid: meta.sid, protov: PROTO_VERSION };
}
