/**
 * The inbound seam: a broadcaster receives publications and remote commands
 * from the Rails app (HTTP today; Redis, NATS tomorrow) and hands them on
 * (anycable broadcast/broadcaster.go). It never reaches the hub itself.
 */
import type { IoEdge } from '../lifecycle/io-edge.js';
import type { BroadcastItem } from './publication.js';

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
}
