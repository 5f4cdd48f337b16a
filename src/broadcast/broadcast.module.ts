import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CABLE_LOGGER, NATS_SETTINGS, REDIS_SETTINGS } from '../config/config.tokens.js';
import type { NatsSettings } from '../config/nats.options.js';
import type { RedisSettings } from '../config/redis.options.js';
import { Hub, type StreamObserver } from '../hub/hub.js';
import { HubModule } from '../hub.module.js';
import { SessionRegistry } from '../hub/session-registry.js';
import { EdgeRegistry } from '../lifecycle/edge-registry.js';
import type { AnyIoEdge } from '../lifecycle/io-edge.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { Counters } from '../metrics/counters.js';
import { onExactPath } from '../http/exact-path.js';
import { broadcastersFor, httpBroadcasterFor, pubsubFor } from './broadcast-edges.js';
import type { BroadcastSettings } from './broadcast.options.js';
import { BROADCAST_SETTINGS, BROADCASTERS, HTTP_BROADCASTER, PUBSUB } from './broadcast.tokens.js';
import type { Broadcaster, BroadcastSink } from './broadcaster.js';
import type { HttpBroadcaster } from './http.broadcaster.js';
import { Ingest } from './ingest.js';
import { NodeDelivery } from './node-delivery.js';
import type { PubSub } from './pubsub.js';

/** Tell every observer in order; one hub observer slot feeds the pub/sub and the per-stream broadcasters. */
function observeAll(observers: readonly StreamObserver[]): StreamObserver {
  return {
    streamActive: (stream) => observers.forEach((observer) => observer.streamActive(stream)),
    streamIdle: (stream) => observers.forEach((observer) => observer.streamIdle(stream)),
  };
}

/**
 * Inbound broadcasting, layered as anycable's: broadcasters -> `Ingest` -> pub/sub ->
 * `NodeDelivery` -> hub. Starts the pub/sub and every broadcaster at boot, feeds the
 * hub's stream activity to the pub/sub (and to per-stream broadcasters), registers
 * its edges for readiness, and stops them all once the gateway has drained.
 */
@Module({
  imports: [HubModule],
  providers: [
    { provide: PUBSUB, inject: [BROADCAST_SETTINGS, REDIS_SETTINGS, NATS_SETTINGS, CABLE_LOGGER, Counters], useFactory: pubsubFor },
    {
      provide: NodeDelivery,
      inject: [Hub, SessionRegistry, CABLE_LOGGER, Counters],
      useFactory: (hub: Hub, registry: SessionRegistry, logger: CableLogger, counters: Counters) => new NodeDelivery(hub, registry, logger, counters),
    },
    { provide: Ingest, inject: [PUBSUB], useFactory: (pubsub: PubSub) => new Ingest(pubsub) },
    { provide: HTTP_BROADCASTER, inject: [BROADCAST_SETTINGS, CABLE_LOGGER], useFactory: httpBroadcasterFor },
    {
      provide: BROADCASTERS,
      inject: [BROADCAST_SETTINGS, HTTP_BROADCASTER, REDIS_SETTINGS, NATS_SETTINGS, CABLE_LOGGER, Counters],
      useFactory: (settings: BroadcastSettings, http: HttpBroadcaster | null, redis: RedisSettings, nats: NatsSettings, logger: CableLogger, counters: Counters): readonly Broadcaster[] =>
        broadcastersFor(settings, http, redis, nats, { logger, counters }),
    },
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
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    edgeRegistry: EdgeRegistry,
  ) {
    edgeRegistry.register(() => this.edges());
  }

  configure(consumer: MiddlewareConsumer): void {
    if (!this.http) return;
    consumer.apply(onExactPath(this.http.path, this.http.handle)).forRoutes({ path: this.http.path, method: RequestMethod.ALL });
  }

  async onApplicationBootstrap(): Promise<void> {
    const pubsub = this.pubsub;
    const pubsubObserver: StreamObserver = { streamActive: (stream) => pubsub.subscribe(stream), streamIdle: (stream) => pubsub.unsubscribe(stream) };
    const perStream = this.broadcasters.flatMap((broadcaster) => (broadcaster.streams ? [broadcaster.streams] : []));
    this.hub.observe(perStream.length === 0 ? pubsubObserver : observeAll([pubsubObserver, ...perStream]));
    const throughPubSub: BroadcastSink = (items) => this.ingest.ingest(items);
    // why: a fan-out broadcaster's message reaches every node already; re-publishing it would deliver it twice.
    const localOnly: BroadcastSink = (items) => items.forEach((item) => this.node.deliver(item));
    // why in parallel: each networked edge waits for its first connection attempt; boot waits for the slowest, not the sum.
    await this.pubsub.start((item) => this.node.deliver(item));
    await Promise.all(this.broadcasters.map((broadcaster) => broadcaster.start(broadcaster.fanout ? localOnly : throughPubSub)));
  }

  /** Every I/O edge this module owns, inbound first: for readiness reports, and the order they stop in. */
  edges(): readonly AnyIoEdge[] {
    return [...this.broadcasters, this.pubsub];
  }

  /** After the gateway's drain (beforeApplicationShutdown): the sessions are gone, so nothing is left to deliver. */
  async onApplicationShutdown(): Promise<void> {
    this.hub.observe(undefined);
    for (const edge of this.edges()) await edge.stop();
    this.logger.logAt('info', 'broadcast edges stopped (unsubscribed, connections closed)', { edges: this.edges().map((edge) => edge.readiness().name).join(',') });
  }
}
