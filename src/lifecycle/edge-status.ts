/**
 * The state of one networked edge (a Redis or NATS connection) as it goes up,
 * down and up again: logged once per change, not once per retry, and read
 * synchronously by `readiness()`.
 */
import type { CableLogger, LogFields } from '../logging/cable-logger.js';
import type { EdgeReadiness, EdgeState } from './io-edge.js';

/** See file comment. `name` is the edge's stable readiness name (`broadcaster:redis`). */
export class EdgeStatus {
  private state: EdgeState = 'starting';
  private detail?: string;
  private stopped = false;
  private wasUp = false;

  constructor(
    readonly name: string,
    private readonly logger: CableLogger,
    private readonly fields: LogFields = {},
  ) {}

  /** True while connected. */
  get isUp(): boolean {
    return this.state === 'up';
  }

  /** Connected (again): logs `connected` the first time, `reconnected` after an outage. */
  up(detail?: string): void {
    if (this.stopped) return;
    this.detail = detail;
    if (this.state === 'up') return;
    this.logger.logAt('info', `${this.name} ${this.wasUp ? 'reconnected' : 'connected'}`, this.fields);
    this.state = 'up';
    this.wasUp = true;
  }

  /**
   * Lost or could not reach the server; logs the first error of each outage only (retries stay quiet).
   * A `generic` error ("connection closed") does not replace a more telling one of the same outage.
   */
  down(error: string, generic = false): void {
    if (this.stopped) return;
    if (this.state === 'down' && generic) return;
    if (this.state !== 'down') {
      const what = this.wasUp ? 'connection lost; reconnecting with backoff' : 'unreachable; retrying with backoff';
      this.logger.logAt('error', `${this.name} ${what}`, { ...this.fields, error });
    }
    this.state = 'down';
    this.detail = error;
  }

  /** Stopped at shutdown: reported down, nothing more is logged. */
  stop(): void {
    this.stopped = true;
    this.state = 'down';
    this.detail = 'stopped';
  }

  /** The edge's readiness; `extra` is appended to the detail (say, dropped publications). */
  readiness(extra?: string): EdgeReadiness {
    const detail = [this.detail, extra].filter((part) => part !== undefined && part !== '').join('; ');
    return { name: this.name, state: this.state, ...(detail ? { detail } : {}) };
  }
}

/** Exponential backoff with full jitter, capped: the delay before retry number `attempt` (1-based), in ms. */
export function backoffMs(attempt: number, baseMs = 100, capMs = 5000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}
