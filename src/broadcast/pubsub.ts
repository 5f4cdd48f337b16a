/**
 * The node-to-node seam between `Ingest` and this node's delivery (anycable
 * pubsub/pubsub.go `Subscriber`). The local implementation is a direct call; a
 * Redis or NATS one publishes to every node and subscribes per stream, driven by
 * the hub's active/idle signal, so a node only hears the streams its clients watch.
 */
import type { IoEdge } from '../lifecycle/io-edge.js';
import type { BroadcastItem } from './publication.js';

/** This node's delivery of one item: a publication to the hub, a remote command to the registry. */
export type Deliver = (item: BroadcastItem) => void;

/** See file comment. Started with the node's `Deliver`, which it calls for every item any node published. */
export interface PubSub extends IoEdge<Deliver> {
  /** Send one item to every node (this one included). Never throws: an item that cannot be sent is dropped (at-most-once). */
  publish(item: BroadcastItem): void;
  /** This node has a first local subscriber on `stream`: start hearing it. */
  subscribe(stream: string): void;
  /** The last local subscriber of `stream` left: stop hearing it. */
  unsubscribe(stream: string): void;
}
