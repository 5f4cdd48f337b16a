import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CABLE_LOGGER } from '../config/config.tokens.js';
import { Hub } from '../hub/hub.js';
import { HubModule } from '../hub.module.js';
import { SessionRegistry } from '../hub/session-registry.js';
import type { AnyIoEdge } from '../lifecycle/io-edge.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { Counters } from '../metrics/counters.js';
import { onExactPath } from '../http/exact-path.js';
import type { BroadcastSettings } from './broadcast.options.js';
import { BROADCAST_SETTINGS, BROADCASTERS, HTTP_BROADCASTER, PUBSUB } from './broadcast.tokens.js';
import type { Broadcaster, BroadcastSink } from './broadcaster.js';
import { HttpBroadcaster } from './http.broadcaster.js';
import { Ingest } from './ingest.js';
import { LocalPubSub } from './local.pubsub.js';
import { NodeDelivery } from './node-delivery.js';
import type { PubSub } from './pubsub.js';

/** The HTTP broadcaster when `http` is among `broadcast_adapter`, else null. */
export function httpBroadcasterFor(settings: BroadcastSettings, logger: CableLogger): HttpBroadcaster | null {
  const { http } = settings;
  if (!http) return null;
  return new HttpBroadcaster({ path: http.path, auth: http.auth, maxBodySize: http.maxBodySize, logger });
}

/**
 * Inbound broadcasting, layered as anycable's: broadcasters -> `Ingest` -> pub/sub ->
 * `NodeDelivery` -> hub. Starts the pub/sub and every broadcaster at boot, feeds the
 * hub's stream activity to the pub/sub, and stops them all once the gateway has drained.
 */
@Module({
  imports: [HubModule],
  providers: [
    { provide: PUBSUB, useFactory: (): PubSub => new LocalPubSub() },
    {
      provide: NodeDelivery,
      inject: [Hub, SessionRegistry, CABLE_LOGGER, Counters],
      useFactory: (hub: Hub, registry: SessionRegistry, logger: CableLogger, counters: Counters) => new NodeDelivery(hub, registry, logger, counters),
    },
    { provide: Ingest, inject: [PUBSUB], useFactory: (pubsub: PubSub) => new Ingest(pubsub) },
    { provide: HTTP_BROADCASTER, inject: [BROADCAST_SETTINGS, CABLE_LOGGER], useFactory: httpBroadcasterFor },
    { provide: BROADCASTERS, inject: [HTTP_BROADCASTER], useFactory: (http: HttpBroadcaster | null): readonly Broadcaster[] => (http ? [http] : []) },
  ],
  exports: [Ingest, PUBSUB, BROADCASTERS],
})
export class BroadcastModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    private readonly hub: Hub,
    private readonly node: NodeDelivery,
    private readonly ingest: Ingest,
    @Inject(PUBSUB) private readonly pubsub: PubSub,
    @Inject(BROADCASTERS) private readonly broadcasters: readonly Broadcaster[],
    @Inject(HTTP_BROADCASTER) private readonly http: HttpBroadcaster | null,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    if (!this.http) return;
    consumer.apply(onExactPath(this.http.path, this.http.handle)).forRoutes({ path: this.http.path, method: RequestMethod.ALL });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.pubsub.start((item) => this.node.deliver(item));
    const pubsub = this.pubsub;
    this.hub.observe({ streamActive: (stream) => pubsub.subscribe(stream), streamIdle: (stream) => pubsub.unsubscribe(stream) });
    const throughPubSub: BroadcastSink = (items) => this.ingest.ingest(items);
    // why: a fan-out broadcaster's message reaches every node already; re-publishing it would deliver it twice.
    const localOnly: BroadcastSink = (items) => items.forEach((item) => this.node.deliver(item));
    for (const broadcaster of this.broadcasters) await broadcaster.start(broadcaster.fanout ? localOnly : throughPubSub);
  }

  /** Every I/O edge this module owns, inbound first: for readiness reports, and the order they stop in. */
  edges(): readonly AnyIoEdge[] {
    return [...this.broadcasters, this.pubsub];
  }

  /** After the gateway's drain (beforeApplicationShutdown): the sessions are gone, so nothing is left to deliver. */
  async onApplicationShutdown(): Promise<void> {
    this.hub.observe(undefined);
    for (const edge of this.edges()) await edge.stop();
  }
}
