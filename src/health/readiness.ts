/**
 * The readiness report: every registered I/O edge with its state, ready when
 * each required one is up. Kubernetes-style readiness, beside the liveness
 * `/health` that stays a cheap 200: a node whose Redis is gone keeps serving its
 * connections (so it must stay alive) but should get no new ones from a load balancer.
 */
import type { EdgeReadiness } from '../lifecycle/io-edge.js';

/** The JSON body of the readiness endpoint. */
export interface ReadinessReport {
  readonly status: 'ready' | 'not_ready';
  readonly edges: readonly EdgeReadiness[];
  /** Broadcast-road counters (`dropped_publications_total:<edge>`, `pubsub_received_total:<edge>`, ...). */
  readonly counters: Readonly<Record<string, number>>;
}

/** Counter name prefixes the report shows (no per-client values ever appear in counter names). */
const REPORTED = ['dropped_publications_total:', 'pubsub_received_total:', 'broadcast_invalid_total:'];

/** Build the report from edge states and the counters snapshot. */
export function readinessReport(edges: readonly EdgeReadiness[], counters: Readonly<Record<string, number>>): ReadinessReport {
  const ready = edges.every((edge) => edge.state === 'up' || edge.required === false);
  const shown = Object.fromEntries(Object.entries(counters).filter(([name]) => REPORTED.some((prefix) => name.startsWith(prefix))));
  return { status: ready ? 'ready' : 'not_ready', edges, counters: shown };
}
