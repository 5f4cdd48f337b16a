import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import type { BroadcastItem } from './publication.js';
import type { Deliver, PubSub } from './pubsub.js';

/** Drops items while not started (boot or after shutdown): there is nobody to deliver to. */
const DROP: Deliver = () => undefined;

/**
 * The single-node pub/sub: `publish` is a direct call to this node's delivery,
 * and per-stream subscriptions mean nothing (every item is local).
 */
export class LocalPubSub implements PubSub {
  private deliver: Deliver = DROP;
  private state: EdgeReadiness['state'] = 'starting';

  async start(deliver: Deliver): Promise<void> {
    this.deliver = deliver;
    this.state = 'up';
  }

  async stop(): Promise<void> {
    this.deliver = DROP;
    this.state = 'down';
  }

  readiness(): EdgeReadiness {
    return { name: 'pubsub:local', state: this.state };
  }

  publish(item: BroadcastItem): void {
    this.deliver(item);
  }

  /** Nothing to do: every item is local. */
  subscribe(_stream: string): void {}

  /** Nothing to do: every item is local. */
  unsubscribe(_stream: string): void {}
}
