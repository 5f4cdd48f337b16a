/**
 * The one entry for everything to be delivered to clients: HTTP broadcasts
 * (and later Redis, NATS), whispers, remote disconnects, user modules. Items go
 * to the pub/sub, which brings them to every node's delivery (anycable
 * node/node.go `HandleBroadcast` -> broker -> pubsub).
 */
import type { Publication } from '../hub/hub.js';
import type { BroadcastItem } from './publication.js';
import type { PubSub } from './pubsub.js';

/** See file comment. Inject it to publish from your own Nest module. */
export class Ingest {
  constructor(private readonly pubsub: PubSub) {}

  /** Publish items in order; delivery happens on every node, asynchronously with a networked pub/sub. */
  ingest(items: readonly BroadcastItem[]): void {
    for (const item of items) this.pubsub.publish(item);
  }

  /** Shorthand for one publication, e.g. `ingest.publish({ stream: 'chat', data: '{"text":"hi"}' })`. */
  publish(publication: Publication): void {
    this.pubsub.publish({ kind: 'publication', publication });
  }
}
