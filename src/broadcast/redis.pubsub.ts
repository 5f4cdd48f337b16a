/**
 * The Redis node-to-node pub/sub (anycable pubsub/redis.go): a publication is
 * PUBLISHed to the channel named exactly like its stream, a remote command to
 * `redis_pubsub_channel`; each node SUBSCRIBEs to the command channel and to the
 * streams its own clients watch (the hub's active/idle signal), and delivers
 * what it hears. A publish while the publishing connection is down is dropped
 * and counted (`dropped_publications_total:pubsub:redis`): at-most-once.
 */
import type { Redis } from 'ioredis';
import type { RedisSettings } from '../config/redis.options.js';
import { RedisChannelsConnection } from '../connections/redis-channels.connection.js';
import { closeRedis, newRedisClient } from '../connections/redis.connection.js';
import { EdgeStatus } from '../lifecycle/edge-status.js';
import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import type { BroadcasterReporting } from './broadcaster.js';
import { PubSubTraffic } from './pubsub-traffic.js';
import type { BroadcastItem } from './publication.js';
import type { Deliver, PubSub } from './pubsub.js';

/** Stable readiness name of the Redis pub/sub. */
export const REDIS_PUBSUB_EDGE = 'pubsub:redis';

/** See file comment. */
export class RedisPubSub implements PubSub {
  private readonly subscriber: RedisChannelsConnection;
  private readonly publisher: Redis;
  private readonly subStatus: EdgeStatus;
  private readonly pubStatus: EdgeStatus;
  private readonly traffic: PubSubTraffic;

  constructor(
    redis: RedisSettings,
    private readonly commandChannel: string,
    reporting: BroadcasterReporting,
  ) {
    this.traffic = new PubSubTraffic(REDIS_PUBSUB_EDGE, reporting);
    this.subStatus = new EdgeStatus(`${REDIS_PUBSUB_EDGE} subscriber`, reporting.logger);
    this.pubStatus = new EdgeStatus(`${REDIS_PUBSUB_EDGE} publisher`, reporting.logger);
    this.subscriber = new RedisChannelsConnection(redis, 'cablecar-pubsub-sub', this.subStatus, (_channel, message) => this.traffic.received(message));
    this.publisher = newRedisClient(redis, { connectionName: 'cablecar-pubsub-pub' });
    this.publisher.on('ready', () => this.pubStatus.up());
    this.publisher.on('error', (error: Error) => this.pubStatus.down(error.message));
    this.publisher.on('close', () => this.pubStatus.down('connection closed', true));
  }

  async start(deliver: Deliver): Promise<void> {
    this.traffic.start(deliver);
    this.subscriber.add(this.commandChannel);
    await Promise.all([this.subscriber.start(), this.publisher.connect().catch((error: Error) => this.pubStatus.down(error.message, true))]);
  }

  async stop(): Promise<void> {
    this.traffic.stop();
    this.pubStatus.stop();
    await this.subscriber.stop();
    await closeRedis(this.publisher);
  }

  readiness(): EdgeReadiness {
    return joinReadiness(REDIS_PUBSUB_EDGE, [this.subStatus.readiness(), this.pubStatus.readiness()], `${this.subscriber.size - 1} streams; ${this.traffic.describe()}`);
  }

  publish(item: BroadcastItem): void {
    const channel = item.kind === 'publication' ? item.publication.stream : this.commandChannel;
    if (this.publisher.status !== 'ready') return this.traffic.dropped();
    this.publisher.publish(channel, this.traffic.encode(item)).catch(() => this.traffic.dropped());
  }

  subscribe(stream: string): void {
    this.subscriber.add(stream);
  }

  unsubscribe(stream: string): void {
    if (stream !== this.commandChannel) this.subscriber.remove(stream);
  }
}

/** One readiness out of two connections': up only when both are; details of the ones that are not. */
export function joinReadiness(name: string, parts: readonly EdgeReadiness[], summary: string): EdgeReadiness {
  const state = parts.every((p) => p.state === 'up') ? 'up' : parts.some((p) => p.state === 'down') ? 'down' : 'starting';
  const problems = parts.filter((p) => p.state !== 'up').map((p) => `${p.name}: ${p.detail ?? p.state}`);
  return { name, state, detail: [...problems, summary].join('; ') };
}
