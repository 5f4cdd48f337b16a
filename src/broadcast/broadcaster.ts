/**
 * The inbound seam: a broadcaster receives publications and remote commands
 * from the Rails app (HTTP, Redis Pub/Sub or Streams, NATS, Action Cable's Redis adapter) and hands them on
 * (anycable broadcast/broadcaster.go). It never reaches the hub itself.
 */
import type { IoEdge } from '../lifecycle/io-edge.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { Counters } from '../metrics/counters.js';
import { parseBroadcastBody, type BroadcastItem } from './publication.js';
import type { StreamObserver } from '../hub/hub.js';

/** Where a broadcaster hands what it received, in order: `Ingest`, or the node's local delivery for a fan-out broadcaster. */
export type BroadcastSink = (items: readonly BroadcastItem[]) => void;

/** An inbound broadcast adapter: an I/O edge started with its sink. */
export interface Broadcaster extends IoEdge<BroadcastSink> {
  /**
   * anycable `IsFanout()`: true when every node receives each message itself (legacy
   * `redis`, `nats`), so items go straight to local delivery; false when one node receives
   * it (`http`, `redisx`) and the pub/sub spreads it to the others.
   */
  readonly fanout: boolean;
  /**
   * Set by broadcasters that listen per stream (`actioncable`): told, like the pub/sub,
   * when a stream gets its first local subscriber or loses its last.
   */
  readonly streams?: StreamObserver;
}

/** What every networked broadcaster reports to: the log and the counters. */
export interface BroadcasterReporting {
  readonly logger: CableLogger;
  readonly counters: Counters;
}

/**
 * Parse one inbound message body and hand its items to `sink`. A body that does not
 * parse is counted (`broadcast_invalid_total:<edge>`) and logged, then dropped, as
 * anycable does with `failed_broadcast_msg_total`.
 */
export function sinkBody(body: string, sink: BroadcastSink, edge: string, reporting: BroadcasterReporting): void {
  const parsed = parseBroadcastBody(body);
  if (parsed.kind === 'ok') return sink(parsed.items);
  reporting.counters.add(`broadcast_invalid_total:${edge}`);
  reporting.logger.logAt('warn', 'broadcast dropped: unreadable message', { edge, reason: parsed.reason });
}
