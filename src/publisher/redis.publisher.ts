/**
 * Publishes through Redis as anycable-rb's `redis` adapter does (PUBLISH to
 * `__anycable__`, lib/anycable/broadcast_adapters/redis.rb) or its `redisx`
 * adapter (XADD to the `__anycable__` stream with a `payload` field, redisx.rb).
 * The server must run the matching broadcaster (anycable-go `--broadcast_adapter redis` / `redisx`).
 */
import { Redis } from 'ioredis';
import { BodyPublisher, type PublishOutcome } from './publisher.js';

/** Options of `RedisPublisher`. */
export interface RedisPublisherOptions {
  /** Redis URL (`redis_url`). @default redis://localhost:6379 */
  readonly url?: string;
  /** Channel or stream name (`redis_channel`). @default __anycable__ */
  readonly channel?: string;
  /** `pubsub` (the `redis` adapter) or `stream` (the `redisx` adapter). @default pubsub */
  readonly mode?: 'pubsub' | 'stream';
}

/** See file comment. */
export class RedisPublisher extends BodyPublisher {
  private readonly redis: Redis;
  private readonly channel: string;

  constructor(private readonly options: RedisPublisherOptions = {}) {
    super();
    this.channel = options.channel ?? '__anycable__';
    // why no retries per command: a publish either reaches Redis now or is reported failed.
    this.redis = new Redis(options.url ?? 'redis://localhost:6379', { lazyConnect: true, maxRetriesPerRequest: 1 });
    this.redis.on('error', () => undefined);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }

  /** PUBLISH or XADD the body as anycable-rb does. */
  protected async send(payload: string): Promise<PublishOutcome> {
    try {
      if (this.redis.status === 'wait') await this.redis.connect();
      if (this.options.mode === 'stream') await this.redis.xadd(this.channel, '*', 'payload', payload);
      else await this.redis.publish(this.channel, payload);
      return { kind: 'sent' };
    } catch (error) {
      return { kind: 'failed', reason: (error as Error).message };
    }
  }
}
