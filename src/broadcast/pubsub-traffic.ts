/**
 * What the networked pub/subs (Redis, NATS) share: the wire form of items, the
 * delivery of what arrives, and the counters operators read during an outage
 * (`pubsub_received_total:<edge>`, `dropped_publications_total:<edge>`).
 */
import type { BroadcasterReporting } from './broadcaster.js';
import { encodeBroadcastItem, parseBroadcastBody, type BroadcastItem } from './publication.js';
import type { Deliver } from './pubsub.js';

/** See file comment; one per pub/sub edge, named by its readiness name. */
export class PubSubTraffic {
  private deliver?: Deliver;

  constructor(
    private readonly edge: string,
    private readonly reporting: BroadcasterReporting,
  ) {}

  /** Start delivering what arrives. */
  start(deliver: Deliver): void {
    this.deliver = deliver;
  }

  /** Stop delivering (shutdown): late messages are ignored. */
  stop(): void {
    this.deliver = undefined;
  }

  /** The message sent for `item`. */
  encode(item: BroadcastItem): string {
    return encodeBroadcastItem(item);
  }

  /** One message from another node (or this one): count it, parse it, deliver its items here. */
  received(message: string): void {
    const deliver = this.deliver;
    if (!deliver) return;
    this.reporting.counters.add(`pubsub_received_total:${this.edge}`);
    const parsed = parseBroadcastBody(message);
    if (parsed.kind === 'ok') {
      for (const item of parsed.items) deliver(item);
      return;
    }
    this.reporting.counters.add(`broadcast_invalid_total:${this.edge}`);
    this.reporting.logger.logAt('warn', 'pub/sub message dropped: unreadable', { edge: this.edge, reason: parsed.reason });
  }

  /** A publication could not be sent (the engine is unreachable): it is lost, and counted. */
  dropped(): void {
    this.reporting.counters.add(`dropped_publications_total:${this.edge}`);
  }

  /** `N received, M dropped` for readiness details. */
  describe(): string {
    const { counters } = this.reporting;
    return `${counters.get(`pubsub_received_total:${this.edge}`)} received, ${counters.get(`dropped_publications_total:${this.edge}`)} dropped`;
  }
}
