import type { EdgeReadiness, IoEdge } from '../../lifecycle/io-edge.js';
import type { CableLogger } from '../../logging/cable-logger.js';
import { systemClock, type Clock } from './clock.js';
import type { JwksLoader } from './jwks-loader.js';
import { parseJwks, type KeyProvider, type PublicKeyEntry } from './public-keys.js';

/** Cache settings of a JWKS source. */
export interface JwksKeySourceOptions {
  /** Background refresh period, ms. */
  refreshMs: number;
  /** Minimum gap between refreshes triggered by an unknown `kid`, ms (stops kid-spraying from hammering the issuer). @default 10000 */
  minRefreshGapMs?: number;
  clock?: Clock;
  logger?: CableLogger;
}

/**
 * A cached JWKS: loaded at boot, refreshed on a timer and on demand when a
 * token names an unknown `kid` (key rotation at the issuer). A failed refresh
 * keeps the last good keys. An I/O edge: readiness is `down` while the last load failed.
 */
export class JwksKeySource implements KeyProvider, IoEdge {
  private current: readonly PublicKeyEntry[] = [];
  /** Outcome of the last load: undefined before the first, else the error message or null on success. */
  private lastError?: string | null;
  private lastOnDemand = -Infinity;
  private inFlight?: Promise<boolean>;
  private timer?: NodeJS.Timeout;
  private readonly clock: Clock;
  private readonly minGap: number;

  constructor(
    private readonly loader: JwksLoader,
    private readonly options: JwksKeySourceOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.minGap = options.minRefreshGapMs ?? 10_000;
  }

  /** Current keys. */
  keys(): readonly PublicKeyEntry[] {
    return this.current;
  }

  /** First load plus the refresh timer. A failed first load is logged and reported by `readiness()`; the timer retries. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer ??= setInterval(() => void this.refresh(), this.options.refreshMs).unref();
  }

  readiness(): EdgeReadiness {
    const name = 'jwks';
    if (this.lastError === undefined) return { name, state: 'starting' };
    // why not required with keys: a failed refresh leaves the node serving every token it could before.
    if (this.lastError !== null) return { name, state: 'down', detail: `${this.lastError}; serving ${this.current.length} previous keys`, ...(this.current.length > 0 ? { required: false } : {}) };
    return { name, state: 'up', detail: `${this.current.length} keys` };
  }

  /**
   * Refresh because a token named an unknown `kid`. At most one such refresh per
   * `minRefreshGapMs` (timer refreshes do not count). Resolves true when new keys were loaded.
   */
  async refreshForUnknownKid(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    if (this.clock.now() - this.lastOnDemand < this.minGap) return false;
    this.lastOnDemand = this.clock.now();
    return this.refresh();
  }

  /** Load now (deduplicated while one load runs). Resolves true on success. */
  refresh(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    this.inFlight = this.loadOnce().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async loadOnce(): Promise<boolean> {
    try {
      const { keys, skipped } = parseJwks(await this.loader.load());
      for (const reason of skipped) this.options.logger?.logAt('warn', 'JWKS key skipped', { location: this.loader.location, reason });
      this.current = keys;
      this.lastError = null;
      this.options.logger?.logAt('debug', 'JWKS loaded', { location: this.loader.location, keys: keys.length });
      return true;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.options.logger?.logAt('error', 'JWKS load failed; keeping previous keys', { location: this.loader.location, error: (error as Error).message });
      return false;
    }
  }
}
