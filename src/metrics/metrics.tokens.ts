/** DI token of the `metrics` slice. */

/** Frozen `MetricsSettings`: the Prometheus endpoint, default labels and the periodic log line. */
export const METRICS_SETTINGS = Symbol('METRICS_SETTINGS');
