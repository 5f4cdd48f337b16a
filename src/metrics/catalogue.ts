/**
 * The metrics cablecar reports under anycable-go's names (anycable node/node.go
 * `registerMetrics`, rpc/rpc.go `NewController`, hub), so dashboards and alerts
 * written for anycable-go keep working; and how cablecar's own named counters
 * (`Counters.snapshot()`) are shown. Plain data and readers: the Prometheus
 * exporter and the log line both read from here, at scrape / rotate time only.
 */
import type { Counters } from './counters.js';

/** Where the values come from; everything is read when a scrape or a log line asks. */
export interface MetricSources {
  readonly counters: Counters;
  /** Sessions connected (identified or not). */
  clients(): number;
  /** Distinct identifiers among identified sessions. */
  uniqueClients(): number;
  /** Streams with at least one local subscriber. */
  streams(): number;
}

/** One metric with anycable-go's name (without the `anycable_go_` prefix). */
export interface CatalogueMetric {
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  readonly help: string;
  read(sources: MetricSources): number;
}

/** Prefix of anycable-go's Prometheus names (anycable metrics/prometheus.go). */
export const ANYCABLE_PREFIX = 'anycable_go_';
/** Prefix of cablecar's own metrics. */
export const CABLECAR_PREFIX = 'cablecar_';

const sumOf = (snapshot: Readonly<Record<string, number>>, prefix: string): number => {
  let sum = 0;
  for (const name in snapshot) if (name.startsWith(prefix)) sum += snapshot[name];
  return sum;
};

/** anycable-go's main metrics, in its order: gauges, then counters. */
export const ANYCABLE_METRICS: readonly CatalogueMetric[] = [
  { name: 'clients_num', type: 'gauge', help: 'The number of active clients', read: (s) => s.clients() },
  { name: 'clients_uniq_num', type: 'gauge', help: 'The number of unique clients (with respect to connection identifiers)', read: (s) => s.uniqueClients() },
  { name: 'broadcast_streams_num', type: 'gauge', help: 'The number of active broadcasting streams', read: (s) => s.streams() },
  { name: 'disconnect_queue_size', type: 'gauge', help: 'The size of delayed disconnect', read: (s) => s.counters.readGauge('disconnect_queue_size') },
  { name: 'rpc_pending_num', type: 'gauge', help: 'The number of pending RPC calls', read: (s) => s.counters.readGauge('rpc_pending_num') },
  { name: 'rpc_capacity_num', type: 'gauge', help: 'The max number of concurrent RPC calls allowed', read: (s) => s.counters.readGauge('rpc_capacity_num') },
  { name: 'mem_sys_bytes', type: 'gauge', help: 'The total bytes of memory obtained from the OS (resident set size)', read: () => process.memoryUsage.rss() },
  { name: 'client_msg_total', type: 'counter', help: 'The total number of received messages from clients', read: (s) => s.counters.clientMessages },
  { name: 'failed_client_msg_total', type: 'counter', help: 'The total number of unrecognized messages received from clients', read: (s) => s.counters.failedClientMessages },
  { name: 'server_msg_total', type: 'counter', help: 'The total number of messages sent to clients', read: (s) => s.counters.serverMessages },
  { name: 'failed_server_msg_total', type: 'counter', help: 'The total number of messages failed to send to clients', read: (s) => s.counters.failedServerMessages },
  { name: 'data_sent_total', type: 'counter', help: 'The total amount of bytes sent to clients', read: (s) => s.counters.bytesSent },
  { name: 'data_rcvd_total', type: 'counter', help: 'The total amount of bytes received from clients', read: (s) => s.counters.bytesReceived },
  { name: 'failed_auths_total', type: 'counter', help: 'The total number of failed authentication attempts', read: (s) => s.counters.failedAuths },
  { name: 'broadcast_msg_total', type: 'counter', help: 'The total number of messages received through PubSub (for broadcast)', read: (s) => s.counters.broadcasts },
  {
    name: 'failed_broadcast_msg_total',
    type: 'counter',
    help: 'The total number of unrecognized messages received through PubSub',
    read: (s) => sumOf(s.counters.snapshot(), 'broadcast_invalid_total:'),
  },
  {
    name: 'disconnected_slow_clients_total',
    type: 'counter',
    help: 'The total number of clients disconnected because they could not keep up (too_slow)',
    read: (s) => s.counters.get('disconnects_total:too_slow'),
  },
  { name: 'rpc_call_total', type: 'counter', help: 'The total number of RPC calls', read: (s) => s.counters.rpc.calls },
  { name: 'rpc_error_total', type: 'counter', help: 'The total number of failed RPC calls', read: (s) => s.counters.rpc.errors },
  { name: 'rpc_retries_total', type: 'counter', help: 'The total number of RPC call retries', read: (s) => s.counters.rpc.retries },
  { name: 'rpc_timeout_total', type: 'counter', help: 'The total number of RPC calls that timed out', read: (s) => s.counters.rpc.timeouts },
  { name: 'rpc_canceled_total', type: 'counter', help: 'The total number of RPC calls canceled (session closed, server stopping)', read: (s) => s.counters.rpc.canceled },
];

/** cablecar's own counter fields (the named ones come from `Counters.snapshot()`). */
export const CABLECAR_FIELD_METRICS: readonly CatalogueMetric[] = [
  { name: 'deliveries_total', type: 'counter', help: 'Frames the hub handed to sockets for publications', read: (s) => s.counters.deliveries },
];

/**
 * Label name of a named counter family (`disconnects_total:too_slow` -> `reason`). A family not
 * listed here gets `key`; the metric name is what precedes the ':'.
 */
export const FAMILY_LABELS: Readonly<Record<string, string>> = {
  disconnects_total: 'reason',
  limit_hits_total: 'limit',
  rejected_connections_total: 'cause',
  subscriptions: 'channel',
  pubsub_received_total: 'edge',
  dropped_publications_total: 'edge',
  broadcast_invalid_total: 'edge',
};

/** Label name used for families not in `FAMILY_LABELS`. */
export const DEFAULT_FAMILY_LABEL = 'key';

/** One named counter family: the metric and its label values. */
export interface CounterFamily {
  /** Prometheus-safe name without prefix (`disconnects_total`). */
  readonly name: string;
  readonly type: 'counter' | 'gauge';
  /** The label name, or undefined for a name without ':'. */
  readonly label?: string;
  /** Values by label value ('' when the entry had no ':'). */
  readonly values: Map<string, number>;
}

/** Turn a name into a Prometheus-safe one (letters, digits, _). */
export function metricName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Group a counters snapshot by family: the part before ':' is the metric, the part after it the
 * label value. Names ending in `_total` are counters; others (live subscriptions) are gauges.
 */
export function counterFamilies(snapshot: Readonly<Record<string, number>>): Map<string, CounterFamily> {
  const families = new Map<string, CounterFamily>();
  for (const [entry, value] of Object.entries(snapshot)) {
    const colon = entry.indexOf(':');
    const base = metricName(colon === -1 ? entry : entry.slice(0, colon));
    let family = families.get(base);
    if (!family) {
      const label = colon === -1 ? undefined : (FAMILY_LABELS[base] ?? DEFAULT_FAMILY_LABEL);
      family = { name: base, type: base.endsWith('_total') ? 'counter' : 'gauge', label, values: new Map() };
      families.set(base, family);
    }
    const labelValue = colon === -1 ? '' : entry.slice(colon + 1);
    family.values.set(labelValue, (family.values.get(labelValue) ?? 0) + value);
  }
  return families;
}
