import { Injectable } from '@nestjs/common';
import { Hub } from '../hub/hub.js';
import { SessionRegistry } from '../hub/session-registry.js';
import type { BroadcastItem } from './publication.js';

/**
 * Where every inbound broadcaster (HTTP now; Redis/NATS later) hands its items:
 * publications go to the hub's `broadcast()` seam, remote commands to the registry.
 */
@Injectable()
export class BroadcastPipeline {
  constructor(
    private readonly hub: Hub,
    private readonly registry: SessionRegistry,
  ) {}

  /** Apply items in order; returns deliveries and disconnected sessions. */
  apply(items: readonly BroadcastItem[]): { delivered: number; disconnected: number } {
    let delivered = 0;
    let disconnected = 0;
    for (const item of items) {
      if (item.kind === 'publication') delivered += this.hub.broadcast(item.publication);
      else disconnected += this.registry.disconnectByIdentifiers(item.identifiers, 'remote', item.reconnect);
    }
    return { delivered, disconnected };
  }
}
