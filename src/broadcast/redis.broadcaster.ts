/**
 * The legacy `redis` broadcaster (anycable broadcast/legacy_redis.go): SUBSCRIBE
 * to `redis_channel` (default `__anycable__`), where anycable-rb's Redis adapter
 * PUBLISHes the same JSON as the HTTP body (one publication, an array, or a
 * remote command). Fan-out: every node subscribes and delivers to its own clients.
 */
import type { RedisSettings } from '../config/redis.options.js';
import { RedisChannelsConnection } from '../connections/redis-channels.connection.js';
import { EdgeStatus } from '../lifecycle/edge-status.js';
import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import { sinkBody, type Broadcaster, type BroadcasterReporting, type BroadcastSink } from './broadcaster.js';

/** Stable readiness name of the legacy Redis broadcaster. */
export const REDIS_BROADCASTER_EDGE = 'broadcaster:redis';

/** See file comment. */
export class RedisBroadcaster implements Broadcaster {
  readonly fanout = true;
  private readonly status: EdgeStatus;
  private readonly connection: RedisChannelsConnection;
  private sink?: BroadcastSink;

  constructor(
    redis: RedisSettings,
    private readonly channel: string,
    private readonly reporting: BroadcasterReporting,
  ) {
    this.status = new EdgeStatus(REDIS_BROADCASTER_EDGE, reporting.logger, { channel });
    this.connection = new RedisChannelsConnection(redis, 'cablecar-broadcast-redis', this.status, (_channel, message) => this.received(message));
  }

  async start(sink: BroadcastSink): Promise<void> {
    this.sink = sink;
    this.connection.add(this.channel);
    await this.connection.start();
  }

  async stop(): Promise<void> {
    this.sink = undefined;
    await this.connection.stop();
  }

  readiness(): EdgeReadiness {
    return this.status.readiness(`SUBSCRIBE ${this.channel}`);
  }

  private received(message: string): void {
    if (this.sink) sinkBody(message, this.sink, REDIS_BROADCASTER_EDGE, this.reporting);
  }
}
