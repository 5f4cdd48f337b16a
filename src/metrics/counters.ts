/**
 * Plain in-process counters for events the operations side needs to see
 * (limits hit, publications dropped, ...). The hot path increments a number in
 * a Map; an exporter (Prometheus, the dashboard) reads `snapshot()`.
 * Names never carry a stream, user or other per-client value.
 */

/** Per-connection bounds that can be hit (docs/security.md). */
export type LimitName = 'max_subscriptions' | 'max_identifiers_per_stream' | 'command_rate' | 'whisper_rate' | 'pending_frames' | 'fragments' | 'ws_max_pending_size';

/** See file comment. */
export class Counters {
  private readonly values = new Map<string, number>();

  /** Add `by` to counter `name`. */
  add(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  /** Count one hit of a per-connection limit (`limit_hits_total{limit}`). */
  limitHit(limit: LimitName): void {
    this.add(`limit_hits_total:${limit}`);
  }

  /** Current value of `name` (0 when never incremented). */
  get(name: string): number {
    return this.values.get(name) ?? 0;
  }

  /** Copy of every counter, for exporters and tests. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.values);
  }
}
