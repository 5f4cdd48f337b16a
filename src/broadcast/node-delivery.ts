/**
 * This node's delivery (anycable node/node.go `HandlePubSub`): the only place
 * that hands a publication to the hub or disconnects sessions by identifiers.
 * The pub/sub calls it for every item any node published; fan-out broadcasters
 * call it directly.
 */
import type { Hub } from '../hub/hub.js';
import type { SessionRegistry } from '../hub/session-registry.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { Counters } from '../metrics/counters.js';
import type { BroadcastItem } from './publication.js';

/** See file comment. */
export class NodeDelivery {
  constructor(
    private readonly hub: Hub,
    private readonly registry: SessionRegistry,
    private readonly logger: CableLogger,
    private readonly counters: Counters,
  ) {}

  /** Deliver one item to this node's clients. */
  deliver(item: BroadcastItem): void {
    switch (item.kind) {
      case 'publication': {
        const deliveries = this.hub.broadcast(item.publication);
        this.counters.broadcasts++;
        this.counters.deliveries += deliveries;
        if (this.logger.debugEnabled) this.logger.logAt('debug', 'publication delivered', { stream: item.publication.stream, deliveries });
        return;
      }
      case 'disconnect': {
        // anycable node/node.go counts remote commands as broadcast messages too.
        this.counters.broadcasts++;
        const sessions = this.registry.disconnectByIdentifiers(item.identifiers, 'remote', item.reconnect);
        if (this.logger.debugEnabled) this.logger.logAt('debug', 'remote disconnect delivered', { sessions });
        return;
      }
      default:
        return unreachable(item);
    }
  }
}

function unreachable(item: never): never {
  throw new Error(`unknown broadcast item ${JSON.stringify(item)}`);
}
