/**
 * What happens around every RPC attempt, whatever the transport: a place in
 * the concurrency limit, a per-attempt deadline, retries with backoff on
 * RESOURCE_EXHAUSTED (10 ms × 2^n) and UNAVAILABLE (100 ms × 2^n) within a
 * total budget (anycable rpc/rpc.go `retry`, `rpc_command_timeout` 3000 ms),
 * the HTTP circuit breaker, cancellation through the caller's signal, the
 * log lines (reachability once per change; each failed call once at warn,
 * with method and reason, never header values) and the RPC metrics (calls,
 * errors, retries, timeouts, cancellations; pending and capacity gauges).
 */
import { setMaxListeners } from 'node:events';
import { RpcTally, type Counters } from '../metrics/counters.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import type { RpcAttempt, RpcCallMeta, RpcErrorCode, RpcOutcome } from './rpc-client.js';
import { RpcStatus, type RpcMethod, type RpcResponses } from './rpc-messages.js';
import { RPC_LOG_CONTEXT, type RpcLog, type RpcReachability } from './rpc-reachability.js';
import { linkSignals, sleepUnlessAborted } from './rpc-signals.js';

/** Limits shared by both transports. */
export interface RpcPolicySettings {
  /** Calls in flight at once (`rpc_concurrency`). @default 28 */
  concurrency: number;
  /** Deadline of one attempt in ms; 0 = none (gRPC's default in anycable-go). */
  requestTimeoutMs: number;
  /** Total time in ms a call may spend retrying (`rpc_command_timeout`). @default 3000 */
  commandTimeoutMs: number;
}

/** Optional parts of the policy. */
export interface RpcPolicyOptions {
  /** Consulted before every attempt (HTTP RPC). */
  breaker?: CircuitBreaker;
  /** Whether call results mark the server up/down; gRPC follows channel connectivity instead. @default true */
  reachabilityFromCalls?: boolean;
  /** Where calls are counted and the pending / capacity gauges are registered (the app's `Counters`). */
  counters?: Counters;
}

/** One transport attempt under a signal and a deadline (0 = none). */
export type AttemptFn<M extends RpcMethod> = (signal: AbortSignal, timeoutMs: number) => Promise<RpcAttempt<M>>;

/** Codes worth another attempt: the server is briefly overloaded or not (yet) reachable. */
export function isRetryable(code: RpcErrorCode): code is 'unavailable' | 'resource_exhausted' {
  return code === 'unavailable' || code === 'resource_exhausted';
}

/** Backoff before retry number `n` (0-based) of a run of the same code (anycable rpc/rpc.go). */
export function retryDelayMs(code: 'unavailable' | 'resource_exhausted', n: number): number {
  return (code === 'resource_exhausted' ? 10 : 100) * 2 ** n;
}

type Outcome<M extends RpcMethod> = RpcOutcome<RpcResponses[M]>;

/** See file comment. */
export class RpcCallPolicy {
  readonly limiter: ConcurrencyLimiter;
  private stopping = false;
  private readonly active = new Set<Promise<unknown>>();
  /**
   * One controller per call in progress, aborted by `stop()`. why not one shared stop signal every
   * call listens on: adding a listener to an EventTarget scans its listeners, so under a Connect
   * avalanche each call paid for every other pending one (1.5% of an RPC connect's CPU in a profile).
   */
  private readonly controllers = new Set<AbortController>();
  private readonly breaker?: CircuitBreaker;
  private readonly reachabilityFromCalls: boolean;
  private readonly tally: RpcTally;

  constructor(
    private readonly name: string,
    private readonly settings: RpcPolicySettings,
    private readonly reachability: RpcReachability,
    private readonly log: RpcLog,
    options: RpcPolicyOptions = {},
  ) {
    this.limiter = new ConcurrencyLimiter(settings.concurrency);
    this.breaker = options.breaker;
    this.reachabilityFromCalls = options.reachabilityFromCalls ?? true;
    this.tally = options.counters?.rpc ?? new RpcTally();
    // anycable rpc/rpc.go: pending = calls waiting for a slot, capacity = the concurrency limit.
    options.counters?.gauge('rpc_pending_num', () => this.limiter.waiting);
    options.counters?.gauge('rpc_capacity_num', () => this.limiter.capacity);
  }

  /** Run one call to completion; never rejects. */
  run<M extends RpcMethod>(method: M, meta: RpcCallMeta, attempt: AttemptFn<M>): Promise<Outcome<M>> {
    this.tally.calls++;
    if (this.stopping) {
      this.tally.errors++;
      return Promise.resolve({ kind: 'error', code: 'stopped', message: 'RPC client is stopped', attempts: 0 });
    }
    const call = this.execute(method, meta, attempt);
    this.active.add(call);
    void call.finally(() => this.active.delete(call));
    return call;
  }

  /** Refuse new calls, give in-flight ones `graceMs` to finish, then cancel the rest. */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    if (this.active.size > 0) {
      // why the controller: a grace timer left pending would hold the process open after shutdown.
      const grace = new AbortController();
      await Promise.race([Promise.allSettled([...this.active]), sleepUnlessAborted(graceMs, grace.signal)]);
      grace.abort();
    }
    const stopped = new Error('RPC client stopped');
    for (const controller of this.controllers) controller.abort(stopped);
    await Promise.allSettled([...this.active]);
  }

  private async execute<M extends RpcMethod>(method: M, meta: RpcCallMeta, attempt: AttemptFn<M>): Promise<Outcome<M>> {
    // why: a session resubscribing 20 channels has 20 calls listening on its signal; that is not a leak.
    if (meta.signal) setMaxListeners(0, meta.signal);
    const linked = linkSignals(meta.signal);
    this.controllers.add(linked.controller);
    try {
      const slot = await this.limiter.acquire(linked.signal);
      if (slot.kind === 'aborted') return this.cancelled(method, meta, 0);
      try {
        return await this.attemptWithRetries(method, meta, attempt, linked.signal);
      } finally {
        slot.release();
      }
    } finally {
      this.controllers.delete(linked.controller);
      linked.dispose();
    }
  }

  private async attemptWithRetries<M extends RpcMethod>(method: M, meta: RpcCallMeta, attempt: AttemptFn<M>, signal: AbortSignal): Promise<Outcome<M>> {
    const started = Date.now();
    let attempts = 0;
    let runCode: RpcErrorCode | undefined;
    let runLength = 0;
    for (;;) {
      const admission = this.breaker?.admit();
      if (admission?.kind === 'refused') {
        // why debug: while open, every call is refused; the breaker's own state change was logged at warn.
        this.log.logAt('debug', 'RPC call refused: circuit open', { rpc: this.name, method, sid: meta.sid }, RPC_LOG_CONTEXT);
        this.tally.errors++;
        return { kind: 'error', code: 'circuit_open', message: `circuit breaker open (retry in ${admission.retryInMs} ms)`, attempts };
      }
      attempts++;
      const result = await attempt(signal, this.settings.requestTimeoutMs);
      const generation = admission?.generation ?? 0;
      if (result.ok) {
        this.breaker?.record(generation, true);
        if (this.reachabilityFromCalls) this.reachability.markUp();
        return this.fromResponse(method, meta, result.response, attempts);
      }
      if (result.code === 'cancelled' || signal.aborted) return this.cancelled(method, meta, attempts);
      this.breaker?.record(generation, false);
      if (this.reachabilityFromCalls) {
        if (result.code === 'unavailable') this.reachability.markDown(result.message);
        else if (result.code !== 'deadline_exceeded') this.reachability.markUp();
      }
      if (!isRetryable(result.code)) return this.failed(method, meta, result.code, result.message, attempts);

      // anycable-go restarts the exponent whenever the code changes between the two retryable ones.
      runLength = runCode === result.code ? runLength + 1 : 0;
      runCode = result.code;
      const delay = retryDelayMs(result.code, runLength);
      if (Date.now() - started + delay > this.settings.commandTimeoutMs) {
        return this.failed(method, meta, result.code, `${result.message} (gave up after ${attempts} attempts)`, attempts);
      }
      this.tally.retries++;
      if (!(await sleepUnlessAborted(delay, signal))) return this.cancelled(method, meta, attempts);
    }
  }

  private fromResponse<M extends RpcMethod>(method: M, meta: RpcCallMeta, response: RpcResponses[M], attempts: number): Outcome<M> {
    switch (response.status) {
      case RpcStatus.SUCCESS:
        return { kind: 'success', response, attempts };
      case RpcStatus.FAILURE:
        return { kind: 'failure', response, attempts };
      case RpcStatus.ERROR: {
        const outcome = this.failed<M>(method, meta, 'app_error', response.errorMsg || 'application error', attempts);
        return { ...outcome, response } as Outcome<M>;
      }
    }
    // Transports only pass the three known values; this guards a future enum value.
    return this.failed(method, meta, 'unknown', `unrecognized status ${String(response.status)}`, attempts);
  }

  private failed<M extends RpcMethod>(method: M, meta: RpcCallMeta, code: RpcErrorCode, message: string, attempts: number): Outcome<M> {
    this.tally.errors++;
    if (code === 'deadline_exceeded') this.tally.timeouts++;
    this.log.logAt('warn', 'RPC call failed', { rpc: this.name, method, code, reason: message, sid: meta.sid, attempts }, RPC_LOG_CONTEXT);
    return { kind: 'error', code, message, attempts };
  }

  private cancelled<M extends RpcMethod>(method: M, meta: RpcCallMeta, attempts: number): Outcome<M> {
    this.tally.canceled++;
    const message = meta.signal?.aborted ? 'cancelled by the caller' : 'RPC client stopped';
    this.log.logAt('debug', 'RPC call cancelled', { rpc: this.name, method, sid: meta.sid, reason: message }, RPC_LOG_CONTEXT);
    return { kind: 'error', code: 'cancelled', message, attempts };
  }
}
