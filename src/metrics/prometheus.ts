/**
 * The Prometheus exposition (prom-client): anycable-go's metrics under
 * `anycable_go_`, cablecar's own under `cablecar_` (every named counter of
 * `Counters.snapshot()`, as it appears, one family per name before ':'), and
 * the Node process metrics of `collectDefaultMetrics`. Nothing here runs on the
 * hot path: every value is read in a `collect()` callback when a scrape asks.
 * One registry per app, so several apps in one process (tests) do not mix.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { ANYCABLE_METRICS, ANYCABLE_PREFIX, CABLECAR_FIELD_METRICS, CABLECAR_PREFIX, counterFamilies, type CatalogueMetric, type CounterFamily, type MetricSources } from './catalogue.js';

/** See file comment. */
export class PrometheusExporter {
  readonly registry = new Registry();
  /** Families of named counters already registered, by their full name. */
  private readonly known = new Set<string>();
  /** The snapshot grouped once per scrape, shared by every family's collect(). */
  private families = new Map<string, CounterFamily>();

  constructor(
    private readonly sources: MetricSources,
    tags: Readonly<Record<string, string>>,
  ) {
    this.registry.setDefaultLabels({ ...tags });
    collectDefaultMetrics({ register: this.registry });
    for (const metric of ANYCABLE_METRICS) this.fixed(ANYCABLE_PREFIX, metric);
    for (const metric of CABLECAR_FIELD_METRICS) this.fixed(CABLECAR_PREFIX, metric);
  }

  /** The exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    this.families = counterFamilies(this.sources.counters.snapshot());
    for (const family of this.families.values()) this.ensureFamily(family);
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  /** A request handler serving `scrape()`; a failure is a 500 with the reason, never a crash. */
  handler(): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      req.resume();
      this.scrape().then(
        ({ contentType, body }) => res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) }).end(body),
        (error: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics unavailable: ${error.message}`),
      );
    };
  }

  private fixed(prefix: string, metric: CatalogueMetric): void {
    const { sources } = this;
    const config = { name: prefix + metric.name, help: metric.help, registers: [this.registry] };
    if (metric.type === 'counter') {
      new Counter({
        ...config,
        collect() {
          this.reset();
          this.inc(metric.read(sources));
        },
      });
    } else {
      new Gauge({
        ...config,
        collect() {
          this.set(metric.read(sources));
        },
      });
    }
  }

  /** Register a family the first time it shows up; its collect() reads the current scrape's values. */
  private ensureFamily(family: CounterFamily): void {
    const name = CABLECAR_PREFIX + family.name;
    if (this.known.has(name) || this.registry.getSingleMetric(name)) return;
    this.known.add(name);
    const exporter = this;
    const labelNames = family.label ? [family.label] : [];
    const valuesOf = () => exporter.families.get(family.name)?.values ?? new Map<string, number>();
    const labelsOf = (value: string) => (family.label ? { [family.label]: value } : {});
    const help = `cablecar counter ${family.name}${family.label ? ` by ${family.label}` : ''}`;
    if (family.type === 'counter') {
      new Counter({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [label, value] of valuesOf()) this.inc(labelsOf(label), Math.max(0, value));
        },
      });
    } else {
      new Gauge({
        name,
        help,
        labelNames,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const [label, value] of valuesOf()) this.set(labelsOf(label), value);
        },
      });
    }
  }
}
