/**
 * The `metrics` slice: Prometheus exposition and periodic log lines, with
 * anycable-go's option names and meanings (anycable cli/options.go
 * `metricsCLIFlags`, metrics/config.go: TOML `[metrics]` keys `http_path`,
 * `host`, `port`, `tags`, `log`, `rotate_interval`, `log_filter`). Read by `MetricsModule`.
 */
import { IsBoolean, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { defineCapability, type Resolved } from '../config/capability.js';
import { METRICS_SETTINGS } from './metrics.tokens.js';
import { Option } from '../config/option.decorator.js';
import { ANYCABLE_METRICS } from './catalogue.js';

/** anycable-go's default `metrics_rotate_interval` (metrics/metrics.go `DefaultRotateInterval`). */
export const DEFAULT_ROTATE_INTERVAL_SECONDS = 15;

/** Options of the `metrics` slice. */
export class MetricsOptions {
  @Option({ kind: 'string', toml: 'metrics.http_path', description: 'Serve Prometheus metrics at this path (e.g. /metrics); off when empty.' })
  @IsString() @Matches(/^$|^(\/[A-Za-z0-9._~-]+)+$/, { message: 'metrics_http must be empty or / followed by letters, digits, . _ ~ - and more / segments' })
  metricsHttp = '';

  @Option({ kind: 'string', toml: 'metrics.host', description: 'Serve metrics on their own HTTP server on this host (default: the main server, or host when metrics_port is set).' })
  @IsString()
  metricsHost = '';

  @Option({ kind: 'int', toml: 'metrics.port', description: 'Serve metrics on their own HTTP server on this port (0 = the main port).' })
  @IsInt() @Min(0) @Max(65535)
  metricsPort = 0;

  @Option({ kind: 'list', toml: 'metrics.tags', description: 'Default labels added to every metric, `key:value,key2:value2` (TOML: a table).' })
  @IsString({ each: true })
  metricsTags: string[] = [];

  @Option({ kind: 'bool', toml: 'metrics.log', description: 'Log one line of metrics every metrics_rotate_interval seconds (info level).' })
  @IsBoolean()
  metricsLog = false;

  @Option({ kind: 'int', toml: 'metrics.rotate_interval', description: 'Seconds between metrics log lines (0 = 15); counters show the change over the interval.' })
  @IsInt() @Min(0)
  metricsRotateInterval = DEFAULT_ROTATE_INTERVAL_SECONDS;

  @Option({ kind: 'list', toml: 'metrics.log_filter', description: 'Metrics to print in the log line, comma-separated (default: all).' })
  @IsString({ each: true })
  metricsLogFilter: string[] = [];
}

/** Where the Prometheus endpoint is served. */
export type MetricsEndpoint =
  | { readonly kind: 'main'; readonly path: string }
  /** Its own HTTP server; `host` empty = the main host, `port` 0 = the main port. */
  | { readonly kind: 'own'; readonly path: string; readonly host: string; readonly port: number };

/** Where Prometheus scrapes, for the start-up line: `off`, `/metrics` (main server) or `host:port/metrics`. */
export function describeMetricsEndpoint(endpoint: MetricsEndpoint | undefined): string {
  if (endpoint === undefined) return 'off';
  switch (endpoint.kind) {
    case 'main':
      return endpoint.path;
    case 'own':
      return `${endpoint.host || '(main host)'}:${endpoint.port || '(main port)'}${endpoint.path}`;
  }
}

/** The resolved `metrics` slice. */
export interface MetricsSettings {
  /** The Prometheus endpoint, or undefined when `metrics_http` is empty. */
  readonly http?: MetricsEndpoint;
  /** Default labels (`metrics_tags`). */
  readonly tags: Readonly<Record<string, string>>;
  /** The periodic log line, or undefined when `metrics_log` is off. */
  readonly log?: { readonly intervalSeconds: number; readonly filter?: readonly string[] };
}

/** Prometheus label names: a letter or _, then letters, digits, _ (and not the reserved `__` prefix). */
const LABEL_NAME = /^(?!__)[A-Za-z_][A-Za-z0-9_]*$/;

/** Parse `key:value` entries (anycable cli/options.go `parseTags`), each problem naming the entry. */
export function parseMetricsTags(entries: readonly string[]): { tags: Record<string, string>; problems: string[] } {
  const tags: Record<string, string> = {};
  const problems: string[] = [];
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    const key = colon === -1 ? entry : entry.slice(0, colon).trim();
    if (colon === -1 || !LABEL_NAME.test(key)) problems.push(`metrics_tags: "${entry}" is not key:value with a label name of letters, digits and _`);
    else tags[key] = entry.slice(colon + 1).trim();
  }
  return { tags, problems };
}

/**
 * Resolve the `metrics` slice. As anycable-go (metrics/metrics.go `FromConfig`), the endpoint is on
 * the main server unless `metrics_host` or `metrics_port` is given; whether they name the main
 * address after all is decided at start, when the main port is known.
 */
export function resolveMetricsSettings(options: Readonly<MetricsOptions>): Resolved<MetricsSettings, MetricsOptions> {
  const { tags, problems } = parseMetricsTags(options.metricsTags);
  const { metricsHttp: path, metricsHost: host, metricsPort: port } = options;
  const http: MetricsEndpoint | undefined = !path ? undefined : host || port ? { kind: 'own', path, host, port } : { kind: 'main', path };
  const warnings = !path && (host || port) ? ['metrics_host / metrics_port: ignored while metrics_http is empty'] : [];
  const unknown = options.metricsLogFilter.filter((name) => !ANYCABLE_METRICS.some((metric) => metric.name === name));
  if (unknown.length > 0) warnings.push(`metrics_log_filter: no metric named ${unknown.join(', ')} (known: ${ANYCABLE_METRICS.map((metric) => metric.name).join(', ')})`);
  const intervalSeconds = options.metricsRotateInterval || DEFAULT_ROTATE_INTERVAL_SECONDS;
  const filter = options.metricsLogFilter.length > 0 ? options.metricsLogFilter : undefined;
  return { settings: { http, tags, log: options.metricsLog ? { intervalSeconds, filter } : undefined }, problems, warnings };
}

/** The `metrics` capability. */
export const metricsCapability = defineCapability({ name: 'metrics', options: MetricsOptions, token: METRICS_SETTINGS, resolve: resolveMetricsSettings });
