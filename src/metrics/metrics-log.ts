/**
 * `metrics_log`: one info line every `metrics_rotate_interval` seconds with
 * anycable-go's metrics (anycable metrics/printer.go `BasePrinter`): counters as
 * the change over the interval (metrics.go `IntervalSnapshot`), gauges as they
 * are now; only the names in `metrics_log_filter` when it is set. One timer.
 */
import { ANYCABLE_METRICS, type MetricSources } from './catalogue.js';

/** Where the line goes (the app's logger). */
export interface MetricsLogSink {
  logAt(level: 'info', message: string, fields: Record<string, number | string | undefined>, context: string): void;
}

/** Log context of the lines, as anycable-go's `context=metrics`. */
export const METRICS_LOG_CONTEXT = 'metrics';

/** See file comment. */
export class MetricsLogWriter {
  private readonly metrics = ANYCABLE_METRICS;
  private previous = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly sources: MetricSources,
    private readonly sink: MetricsLogSink,
    private readonly intervalSeconds: number,
    filter?: readonly string[],
  ) {
    if (filter) this.metrics = ANYCABLE_METRICS.filter((metric) => filter.includes(metric.name));
    for (const metric of ANYCABLE_METRICS) if (metric.type === 'counter') this.previous.set(metric.name, metric.read(sources));
  }

  /** Announce and start the timer. */
  start(): void {
    this.stop();
    const fields = this.metrics.length === ANYCABLE_METRICS.length ? {} : { fields: this.metrics.map((metric) => metric.name).join(',') };
    this.sink.logAt('info', 'log metrics', { interval: this.intervalSeconds, ...fields }, METRICS_LOG_CONTEXT);
    this.timer = setInterval(() => this.write(), this.intervalSeconds * 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Write one line now: the interval's counter deltas and the current gauges. */
  write(): void {
    const fields: Record<string, number> = {};
    const current = new Map<string, number>();
    for (const metric of ANYCABLE_METRICS) {
      if (metric.type !== 'counter') continue;
      current.set(metric.name, metric.read(this.sources));
    }
    for (const metric of this.metrics) {
      fields[metric.name] = metric.type === 'counter' ? current.get(metric.name)! - (this.previous.get(metric.name) ?? 0) : metric.read(this.sources);
    }
    this.previous = current;
    this.sink.logAt('info', '', fields, METRICS_LOG_CONTEXT);
  }
}
