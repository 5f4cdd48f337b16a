import { CircuitBreaker, DEFAULT_BREAKER_SETTINGS, type BreakerState } from '../../../src/rpc/circuit-breaker.js';
import { ConcurrencyLimiter } from '../../../src/rpc/concurrency-limiter.js';
import { isRetryable, retryDelayMs } from '../../../src/rpc/rpc-call-policy.js';
import { within } from '../../support/rpc-test-kit.js';

describe('ConcurrencyLimiter', () => {
  it('grants up to capacity at once and queues the rest in arrival order', async () => {
    const limiter = new ConcurrencyLimiter(2);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((s) => (order.push('c'), s));
    const d = limiter.acquire().then((s) => (order.push('d'), s));
    expect([limiter.inFlight, limiter.waiting]).toEqual([2, 2]);
    if (a.kind === 'acquired') a.release();
    const slotC = await within(c, 1000);
    if (b.kind === 'acquired') b.release();
    const slotD = await within(d, 1000);
    expect(order).toEqual(['c', 'd']);
    expect(limiter.inFlight).toBe(2);
    for (const slot of [slotC, slotD]) if (slot.kind === 'acquired') slot.release();
    expect([limiter.inFlight, limiter.waiting, limiter.maxInFlight]).toEqual([0, 0, 2]);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const slot = await limiter.acquire();
    if (slot.kind !== 'acquired') throw new Error('no slot');
    slot.release();
    slot.release();
    expect(limiter.inFlight).toBe(0);
    await limiter.acquire();
    expect(limiter.inFlight).toBe(1);
  });

  it('drops a waiting call whose signal fires, and refuses an already aborted one', async () => {
    const limiter = new ConcurrencyLimiter(1);
    const held = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal);
    controller.abort();
    expect(await within(waiting, 1000)).toEqual({ kind: 'aborted' });
    expect(limiter.waiting).toBe(0);
    expect(await limiter.acquire(controller.signal)).toEqual({ kind: 'aborted' });
    if (held.kind === 'acquired') held.release();
    expect(limiter.inFlight).toBe(0);
  });

  it('refuses a capacity below 1', () => {
    expect(() => new ConcurrencyLimiter(0)).toThrow(RangeError);
  });
});

describe('retry backoff', () => {
  it('is 10 ms × 2^n for RESOURCE_EXHAUSTED and 100 ms × 2^n for UNAVAILABLE (anycable rpc/rpc.go)', () => {
    expect([0, 1, 2, 3].map((n) => retryDelayMs('resource_exhausted', n))).toEqual([10, 20, 40, 80]);
    expect([0, 1, 2, 3].map((n) => retryDelayMs('unavailable', n))).toEqual([100, 200, 400, 800]);
  });

  it('retries only those two codes', () => {
    expect(['unavailable', 'resource_exhausted', 'deadline_exceeded', 'unknown', 'unauthenticated', 'invalid_argument', 'app_error', 'cancelled'].filter((c) => isRetryable(c as never))).toEqual([
      'unavailable',
      'resource_exhausted',
    ]);
  });
});

describe('CircuitBreaker', () => {
  let now = 0;
  let changes: string[];
  const make = () => new CircuitBreaker(DEFAULT_BREAKER_SETTINGS, (from: BreakerState, to: BreakerState) => changes.push(`${from}->${to}`), () => now);
  const run = (breaker: CircuitBreaker, success: boolean) => {
    const admission = breaker.admit();
    if (admission.kind === 'allowed') breaker.record(admission.generation, success);
    return admission.kind;
  };
  beforeEach(() => {
    now = 1_000_000;
    changes = [];
  });

  it("uses anycable-go's numbers", () => {
    expect(DEFAULT_BREAKER_SETTINGS).toEqual({ windowMs: 10_000, minRequests: 10, failureRatio: 0.8, openMs: 5_000, halfOpenRequests: 5 });
  });

  it('needs 10 requests before it can trip, then opens at 80% failures', () => {
    const breaker = make();
    for (let i = 0; i < 9; i++) run(breaker, false);
    expect(breaker.state).toBe('closed');
    run(breaker, false);
    expect(breaker.state).toBe('open');
    expect(breaker.admit()).toEqual({ kind: 'refused', retryInMs: 5000 });
  });

  it('counts per 10 s window: old failures do not trip a new window', () => {
    const breaker = make();
    for (let i = 0; i < 8; i++) run(breaker, false);
    now += 10_000;
    for (let i = 0; i < 2; i++) run(breaker, false);
    expect(breaker.state).toBe('closed');
  });

  it('goes half-open after 5 s, admits 5, closes after 5 successes', () => {
    const breaker = make();
    for (let i = 0; i < 10; i++) run(breaker, false);
    now += 5_000;
    const admissions = Array.from({ length: 6 }, () => breaker.admit());
    expect(admissions.map((a) => a.kind)).toEqual(['allowed', 'allowed', 'allowed', 'allowed', 'allowed', 'refused']);
    for (const a of admissions) if (a.kind === 'allowed') breaker.record(a.generation, true);
    expect(breaker.state).toBe('closed');
    expect(changes).toEqual(['closed->open', 'open->half-open', 'half-open->closed']);
  });

  it('reopens on any failure while half-open and ignores results from an older generation', () => {
    const breaker = make();
    const stale = breaker.admit();
    for (let i = 0; i < 10; i++) run(breaker, false);
    now += 5_000;
    if (stale.kind === 'allowed') breaker.record(stale.generation, false);
    expect(breaker.state).toBe('half-open');
    run(breaker, false);
    expect(breaker.state).toBe('open');
  });
});
