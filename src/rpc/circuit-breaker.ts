/**
 * A circuit breaker for HTTP RPC with gobreaker's semantics and anycable-go's
 * numbers (rpc/http.go): closed, it counts requests per 10 s window and opens
 * when at least 10 requests saw 80% failures; open, it refuses every request
 * for 5 s; half-open, it lets 5 requests through, closing after 5 successes
 * and reopening on the first failure. Results of requests admitted in an
 * earlier generation are ignored, as in gobreaker.
 */

/** Breaker thresholds. */
export interface CircuitBreakerSettings {
  /** Length of a counting window while closed. @default 10000 */
  windowMs: number;
  /** Requests a window needs before it can trip. @default 10 */
  minRequests: number;
  /** Failure ratio (0..1) that trips the breaker. @default 0.8 */
  failureRatio: number;
  /** How long the breaker stays open. @default 5000 */
  openMs: number;
  /** Requests admitted while half-open. @default 5 */
  halfOpenRequests: number;
}

/** anycable-go's numbers (gobreaker settings in rpc/http.go). */
export const DEFAULT_BREAKER_SETTINGS: Readonly<CircuitBreakerSettings> = Object.freeze({
  windowMs: 10_000,
  minRequests: 10,
  failureRatio: 0.8,
  openMs: 5_000,
  halfOpenRequests: 5,
});

/** Breaker states. */
export type BreakerState = 'closed' | 'open' | 'half-open';

/** Admission of one request: a ticket to report back with, or a refusal. */
export type BreakerAdmission = { kind: 'allowed'; generation: number } | { kind: 'refused'; retryInMs: number };

/** See file comment. */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private generation = 0;
  private expiresAt: number;
  private requests = 0;
  private failures = 0;
  private consecutiveSuccesses = 0;

  constructor(
    private readonly settings: CircuitBreakerSettings = DEFAULT_BREAKER_SETTINGS,
    /** Told about every state change (for the state-change log line). */
    private readonly onStateChange: (from: BreakerState, to: BreakerState) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.expiresAt = this.now() + settings.windowMs;
  }

  /** The state right now (an expired open period reads as half-open). */
  get state(): BreakerState {
    this.refresh();
    return this.current;
  }

  /** Ask to send a request. */
  admit(): BreakerAdmission {
    this.refresh();
    if (this.current === 'open') return { kind: 'refused', retryInMs: Math.max(0, this.expiresAt - this.now()) };
    if (this.current === 'half-open' && this.requests >= this.settings.halfOpenRequests) return { kind: 'refused', retryInMs: 0 };
    this.requests++;
    return { kind: 'allowed', generation: this.generation };
  }

  /** Report how an admitted request went. */
  record(generation: number, success: boolean): void {
    this.refresh();
    if (generation !== this.generation) return;
    if (success) {
      this.consecutiveSuccesses++;
      if (this.current === 'half-open' && this.consecutiveSuccesses >= this.settings.halfOpenRequests) this.moveTo('closed');
      return;
    }
    this.failures++;
    this.consecutiveSuccesses = 0;
    if (this.current === 'half-open') this.moveTo('open');
    else if (this.requests >= this.settings.minRequests && this.failures / this.requests >= this.settings.failureRatio) this.moveTo('open');
  }

  /** Apply time-based transitions: a new closed window, or the end of the open period. */
  private refresh(): void {
    const now = this.now();
    if (this.current === 'closed' && now >= this.expiresAt) this.newGeneration(now);
    else if (this.current === 'open' && now >= this.expiresAt) this.moveTo('half-open');
  }

  private moveTo(next: BreakerState): void {
    const previous = this.current;
    this.current = next;
    this.newGeneration(this.now());
    this.onStateChange(previous, next);
  }

  private newGeneration(now: number): void {
    this.generation++;
    this.requests = 0;
    this.failures = 0;
    this.consecutiveSuccesses = 0;
    this.expiresAt = this.current === 'closed' ? now + this.settings.windowMs : this.current === 'open' ? now + this.settings.openMs : Infinity;
  }
}
