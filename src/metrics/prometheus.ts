/**
 * The Prometheus exposition (prom-client): anycable-go's metrics under
 * `anycable_go_`, cablecar's own under `cablecar_` (every named counter of
 * `Counters.snapshot()`, as it appears, one family per name before ':'), and
 * the Node process metrics of prom-client's default collectors. Nothing here runs
 * on the hot path: every value is read in a `collect()` callback when a scrape asks.
 * One registry per app, so several apps in one process (tests) do not mix.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Counter, Gauge, Registry } from 'prom-client';
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
    collectProcessMetrics(this.registry);
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
    const config = { name, help, labelNames, registers: [this.registry] };
    if (family.type === 'counter') {
      new Counter({
        ...config,
        collect() {
          this.reset();
          for (const [label, value] of valuesOf()) this.inc(labelsOf(label), Math.max(0, value));
        },
      });
    } else {
      new Gauge({
        ...config,
        collect() {
          this.reset();
          for (const [label, value] of valuesOf()) this.set(labelsOf(label), value);
        },
      });
    }
  }
}

/**
 * prom-client's default collectors (`collectDefaultMetrics`, lib/defaultMetrics.js of the pinned
 * 15.1.3), with three changes measured by bench/run.js `metrics-cost` (bench/README.md "Metrics cost"):
 * why no `gc`: its PerformanceObserver runs a callback on every garbage collection, and fan-out
 * collects often; why `eventLoopLag` at 1 s resolution, not 10 ms: the delay monitor at 10 ms cost
 * more fan-out throughput than everything else. All of `collectDefaultMetrics` took 20-30% of it.
 * why no `processHandles` / `processResources`: each builds a list of every open socket per scrape
 * (~7 of a scrape's ~12 ms at 5,000 connections); clients_num and process_open_fds tell the same.
 */
const PROCESS_COLLECTORS = [
  'processCpuTotal', 'processStartTime', 'osMemoryHeap', 'processOpenFileDescriptors', 'processMaxFileDescriptors', 'eventLoopLag',
  'processRequests', 'heapSizeAndUsed', 'heapSpacesSizeAndUsed', 'version',
] as const;

/** Event loop delay sampling period, ms (prom-client's default is 10). */
const EVENT_LOOP_MONITORING_PRECISION_MS = 1000;

type Collector = (registry: Registry, config: { eventLoopMonitoringPrecision: number }) => void;

function collectProcessMetrics(registry: Registry): void {
  const load = createRequire(import.meta.url);
  for (const name of PROCESS_COLLECTORS) {
    (load(`prom-client/lib/metrics/${name}.js`) as Collector)(registry, { eventLoopMonitoringPrecision: EVENT_LOOP_MONITORING_PRECISION_MS });
  }
}
