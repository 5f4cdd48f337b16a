import type { EdgeReadiness } from '../../lifecycle/io-edge.js';
import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import type { ReplayStore } from './replay-store.js';

/** How often expired entries are swept (entries are also checked on read). */
const SWEEP_INTERVAL_MS = 60_000;

/** In-process replay store: a map of key -> expiry, swept once a minute. Correct for a single node only. */
export class MemoryReplayStore implements ReplayStore {
  private readonly entries = new Map<string, number>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly clock: Clock = systemClock) {}

  /** Number of remembered tokens (for tests). */
  get size(): number {
    return this.entries.size;
  }

  /** Start the sweep timer (claims work before it too: expiry is also checked on read). */
  async start(): Promise<void> {
    // why unref: the sweep must never keep the process alive on its own.
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_INTERVAL_MS).unref();
  }

  readiness(): EdgeReadiness {
    return { name: 'jwt-replay:memory', state: 'up', detail: `${this.entries.size} tokens remembered` };
  }

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
    const now = this.clock.now();
    const known = this.entries.get(key);
    if (known !== undefined && known > now) return false;
    if (expiresAtMs > now) this.entries.set(key, expiresAtMs);
    return true;
  }

  /** Drop expired entries. */
  sweep(): void {
    const now = this.clock.now();
    for (const [key, expiresAt] of this.entries) if (expiresAt <= now) this.entries.delete(key);
  }

  async stop(): Promise<void> {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
    this.entries.clear();
  }
}
