/**
 * The Disconnect RPC queue (anycable node/disconnect_queue.go): calls leave at
 * most `disconnect_rate` per second so a mass disconnect (a deploy, a network
 * blip) does not flood Rails, the backlog is bounded by
 * `disconnect_backlog_size`, and on shutdown the backlog is sent at once and
 * awaited within a timeout. anycable-go blocks the closing session when the
 * backlog is full; a Node server cannot block, so the call is dropped, counted
 * and logged (once per overflow episode) to keep memory bounded.
 */
import { RPC_LOG_CONTEXT, type RpcLog } from './rpc-reachability.js';
import { sleepUnlessAborted } from './rpc-signals.js';

/** Rate and size of the queue. */
export interface DisconnectQueueSettings {
  /** Calls started per second (`disconnect_rate`). @default 100 */
  rate: number;
  /** Calls waiting at most (`disconnect_backlog_size`). @default 4096 */
  backlogSize: number;
}

/** What happened to an enqueued call. */
export type EnqueueOutcome = { kind: 'queued' } | { kind: 'dropped'; reason: 'backlog_full' | 'stopped' };

/** How the shutdown flush went. */
export interface FlushReport {
  /** Calls that completed within the timeout. */
  flushed: number;
  /** Calls still running (or never started) when the timeout passed. */
  unfinished: number;
}

/** See file comment. */
export class DisconnectQueue<T> {
  private readonly backlog: T[] = [];
  private readonly running = new Set<Promise<void>>();
  private state: 'running' | 'flushing' | 'stopped' = 'running';
  private timer: NodeJS.Timeout | undefined;
  private lastStart = -Infinity;
  private overflowing = false;
  private droppedTotal = 0;
  private startedWhileFlushing = 0;
  private readonly intervalMs: number;
  private readonly capacity: number;

  constructor(
    settings: DisconnectQueueSettings,
    /** Performs one Disconnect call; a rejection is logged, never rethrown. */
    private readonly perform: (item: T) => Promise<unknown>,
    private readonly log: RpcLog,
  ) {
    if (!(settings.rate > 0)) throw new RangeError(`disconnect rate must be positive, got ${settings.rate}`);
    this.intervalMs = 1000 / settings.rate;
    this.capacity = settings.backlogSize;
  }

  /** Calls waiting to start. */
  get size(): number {
    return this.backlog.length;
  }

  /** Calls dropped because the backlog was full or the queue had stopped. */
  get dropped(): number {
    return this.droppedTotal;
  }

  /** Queue a call (started at once while flushing). */
  enqueue(item: T): EnqueueOutcome {
    if (this.state === 'stopped') return this.drop('stopped');
    if (this.state === 'flushing') {
      this.startedWhileFlushing++;
      this.start(item);
      return { kind: 'queued' };
    }
    if (this.backlog.length >= this.capacity) return this.drop('backlog_full');
    this.backlog.push(item);
    this.pump();
    return { kind: 'queued' };
  }

  /** Start every waiting call now and wait for all of them, at most `timeoutMs`. */
  async stop(timeoutMs: number): Promise<FlushReport> {
    if (this.state !== 'running') return { flushed: 0, unfinished: 0 };
    this.state = 'flushing';
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const total = this.backlog.length + this.running.size;
    if (total > 0) this.log.logAt('info', 'Invoking remaining Disconnect calls', { count: total, timeout_ms: timeoutMs }, RPC_LOG_CONTEXT);
    for (const item of this.backlog.splice(0)) this.start(item);
    const deadline = new AbortController();
    const allDone = (async () => {
      while (this.running.size > 0) await Promise.allSettled([...this.running]);
    })();
    await Promise.race([allDone, sleepUnlessAborted(timeoutMs, deadline.signal)]);
    deadline.abort();
    this.state = 'stopped';
    const unfinished = this.running.size;
    if (unfinished > 0) this.log.logAt('warn', 'Had no time to finish Disconnect calls', { unfinished, timeout_ms: timeoutMs }, RPC_LOG_CONTEXT);
    return { flushed: total + this.startedWhileFlushing - unfinished, unfinished };
  }

  private drop(reason: 'backlog_full' | 'stopped'): EnqueueOutcome {
    this.droppedTotal++;
    if (reason === 'backlog_full' && !this.overflowing) {
      this.overflowing = true;
      this.log.logAt('warn', 'Disconnect queue full: dropping Disconnect calls', { backlog: this.capacity }, RPC_LOG_CONTEXT);
    }
    return { kind: 'dropped', reason };
  }

  /** Start the head of the backlog if the rate allows, else come back when it does. */
  private pump(): void {
    if (this.timer || this.state !== 'running' || this.backlog.length === 0) return;
    const wait = this.lastStart + this.intervalMs - performance.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      return;
    }
    this.lastStart = performance.now();
    this.start(this.backlog.shift() as T);
    if (this.backlog.length === 0) this.overflowing = false;
    this.pump();
  }

  private start(item: T): void {
    const call = this.perform(item).then(
      () => undefined,
      (error: unknown) => this.log.logAt('warn', 'Disconnect call threw', { reason: error instanceof Error ? error.message : String(error) }, RPC_LOG_CONTEXT),
    );
    this.running.add(call);
    void call.finally(() => this.running.delete(call));
  }
}
