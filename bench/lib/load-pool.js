/**
 * The load workers of one scenario run, driven together: work is split across
 * workers, started at the same moment, and the slowest worker's time counts.
 */
import { Worker } from './processes.js';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Split `items` (or a count) into `parts` contiguous chunks. */
function split(total, parts) {
  const sizes = [];
  for (let i = 0; i < parts; i++) sizes.push(Math.floor(total / parts) + (i < total % parts ? 1 : 0));
  return sizes;
}

export class LoadPool {
  constructor(script, count) {
    this.workers = Array.from({ length: count }, (_, i) => new Worker(script, i));
    /** Open sockets per worker, in worker order. */
    this.clientCounts = this.workers.map(() => 0);
  }

  /**
   * Open `n` welcomed sockets with at most `concurrency` handshakes in flight (in total).
   * `urlFor(i)` gives socket i's URL (for per-client tokens), `cookieFor(i)` its Cookie header.
   * Returns {ms, opened, failed, firstErrors, connectMs} (connectMs: each socket's time to welcome).
   */
  async open({ url, n, concurrency, urlFor, cookieFor, timeoutMs = 120_000 }) {
    const sizes = split(n, this.workers.length);
    const perWorker = Math.max(1, Math.ceil(concurrency / this.workers.length));
    let first = 0;
    const calls = this.workers.map((w, i) => {
      const size = sizes[i];
      const params = urlFor ? { urls: Array.from({ length: size }, (_, j) => urlFor(first + j)) } : { url, n: size };
      if (cookieFor) params.cookies = Array.from({ length: size }, (_, j) => cookieFor(first + j));
      first += size;
      return w.call('open', { ...params, concurrency: perWorker }, timeoutMs);
    });
    const results = await Promise.all(calls);
    this.clientCounts = results.map((r) => r.total);
    const connectMs = Float64Array.from(results.flatMap((r) => Array.from(r.connectMs)));
    return { ...merge(results, 'opened'), connectMs };
  }

  /**
   * Subscribe all open sockets, `perClient` subscriptions each. One identifier: every
   * socket subscribes to it. Several: exactly one per subscription (sockets x perClient,
   * in the same order the sockets were opened), dealt out so no socket repeats one.
   */
  async subscribe({ identifiers, perClient = 1, concurrency, timeoutMs = 120_000 }) {
    const perWorker = Math.max(1, Math.ceil(concurrency / this.workers.length));
    const sizes = this.clientCounts.map((c) => c * perClient);
    let first = 0;
    const calls = this.workers.map((w, i) => {
      const slice = identifiers.length === 1 ? identifiers : identifiers.slice(first, (first += sizes[i]));
      return w.call('subscribe', { identifiers: slice, perClient, concurrency: perWorker }, timeoutMs);
    });
    const results = await Promise.all(calls);
    return { ...merge(results, 'subscriptions'), rejected: results.reduce((a, r) => a + r.rejected, 0) };
  }

  /**
   * Broadcast `count` times (worker 0 POSTs, stamping the send time into the data),
   * waiting for every socket to receive each one, then pausing `gapMs` before the next,
   * so broadcasts never pile up. Returns every delivery's latency (ms) plus counts.
   */
  async latency({ server, stream, kind, count, gapMs, via, perBroadcastTimeoutMs = 10_000 }) {
    await Promise.all(this.workers.map((w) => w.call('armLatency', { count })));
    let timeouts = 0;
    for (let k = 0; k < count; k++) {
      const allGot = this.waitForAll(k, perBroadcastTimeoutMs);
      await this.workers[0].call('post', { httpUrl: server.broadcastUrl, k, kind, stream, via }, perBroadcastTimeoutMs);
      if (!(await allGot)) timeouts++;
      await sleep(gapMs);
    }
    const parts = await Promise.all(this.workers.map((w) => w.call('collectLatency', {})));
    const latencies = new Float64Array(parts.reduce((a, p) => a + p.latencies.length, 0));
    let at = 0;
    for (const p of parts) latencies.set(p.latencies, (at += p.latencies.length) - p.latencies.length);
    return {
      latencies,
      delivered: parts.reduce((a, p) => a + p.delivered, 0),
      expected: parts.reduce((a, p) => a + p.expectedTotal, 0),
      timeouts,
    };
  }

  /**
   * Throughput: post `count` broadcasts back to back (each POST waits for its 201, not for the
   * deliveries), then wait until every socket received every one. Returns the time from the first
   * POST to the last delivery and the delivery counts.
   */
  async burst({ server, stream, kind, count, timeoutMs = 60_000 }) {
    await Promise.all(this.workers.map((w) => w.call('armLatency', { count })));
    const started = performance.now();
    const allGot = Array.from({ length: count }, (_, k) => this.waitForAll(k, timeoutMs));
    for (let k = 0; k < count; k++) await this.workers[0].call('post', { httpUrl: server.broadcastUrl, k, kind, stream }, timeoutMs);
    const complete = (await Promise.all(allGot)).filter(Boolean).length;
    const ms = performance.now() - started;
    const parts = await Promise.all(this.workers.map((w) => w.call('collectLatency', {})));
    return {
      ms,
      complete,
      delivered: parts.reduce((a, p) => a + p.delivered, 0),
      expected: parts.reduce((a, p) => a + p.expectedTotal, 0),
    };
  }

  /** Resolve true when every worker reported broadcast k complete, false on timeout. */
  waitForAll(k, timeoutMs) {
    return new Promise((resolve) => {
      let pending = this.workers.length;
      const offs = [];
      const done = (value) => {
        clearTimeout(timer);
        offs.forEach((off) => off());
        resolve(value);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      for (const w of this.workers) {
        offs.push(w.onEvent((msg) => msg.event === 'got' && msg.k === k && --pending === 0 && done(true)));
      }
    });
  }

  async ping() {
    return this.workers[0].call('ping', {}, 10_000);
  }

  async closeAll() {
    this.clientCounts = this.workers.map(() => 0);
    await Promise.all(this.workers.map((w) => w.call('closeAll', {}, 30_000).catch(() => undefined)));
  }

  async stop() {
    await Promise.all(this.workers.map((w) => w.stop()));
  }
}

function merge(results, countKey) {
  return {
    ms: Math.max(...results.map((r) => r.ms)),
    [countKey]: results.reduce((a, r) => a + (r[countKey] ?? r.opened ?? 0), 0),
    failed: results.reduce((a, r) => a + r.failed, 0),
    firstErrors: results.flatMap((r) => r.firstErrors).slice(0, 3),
  };
}
