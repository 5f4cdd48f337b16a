/**
 * A Redis connection in subscriber mode holding a set of channels that may grow
 * and shrink (a broadcaster's one channel, or one channel per active stream).
 * The set is ours, not ioredis': on every (re)connect the whole set is
 * subscribed again in batches (anycable pubsub/redis.go `resubscribe`), and
 * changes made while disconnected only touch the set.
 */
import type { Redis } from 'ioredis';
import type { RedisSettings } from '../config/redis.options.js';
import type { EdgeStatus } from '../lifecycle/edge-status.js';
import { closeRedis, newRedisClient, watchSentinelMaster } from './redis.connection.js';

/** Channels per SUBSCRIBE command when resubscribing (anycable's `batchSubscribeSize`). */
const BATCH = 256;

/** See file comment. */
export class RedisChannelsConnection {
  private readonly channels = new Set<string>();
  private readonly client: Redis;
  private stopWatch: () => void = () => undefined;
  private stopping = false;

  constructor(
    settings: RedisSettings,
    connectionName: string,
    private readonly status: EdgeStatus,
    onMessage: (channel: string, message: string) => void,
  ) {
    this.client = newRedisClient(settings, { connectionName });
    this.client.on('message', onMessage);
    this.client.on('ready', () => this.resubscribe());
    this.client.on('error', (error: Error) => this.status.down(error.message));
    this.client.on('close', () => this.status.down('connection closed', true));
    this.stopWatch = watchSentinelMaster(this.client, settings);
  }

  /** Connect; resolves after the first attempt either way (a failure is retried in the background). */
  async start(): Promise<void> {
    if (this.client.status !== 'wait') return;
    await this.client.connect().catch((error: Error) => this.status.down(error.message, true));
  }

  /** Add a channel; subscribed now when connected, else at the next connect. */
  add(channel: string): void {
    if (this.channels.has(channel)) return;
    this.channels.add(channel);
    if (this.client.status === 'ready') this.client.subscribe(channel).catch(() => undefined);
  }

  /** Remove a channel; unsubscribed now when connected. */
  remove(channel: string): void {
    if (!this.channels.delete(channel)) return;
    if (this.client.status === 'ready') this.client.unsubscribe(channel).catch(() => undefined);
  }

  /** Channels currently wanted. */
  get size(): number {
    return this.channels.size;
  }

  /** Unsubscribe everything, then close the connection (QUIT, or a hard close if Redis is gone). */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopWatch();
    this.status.stop();
    this.channels.clear();
    if (this.client.status === 'ready') await this.client.unsubscribe().catch(() => undefined);
    await closeRedis(this.client);
  }

  private resubscribe(): void {
    if (this.stopping) return;
    const all = [...this.channels];
    const batches: Promise<unknown>[] = [];
    for (let i = 0; i < all.length; i += BATCH) batches.push(this.client.subscribe(...all.slice(i, i + BATCH)));
    Promise.all(batches).then(
      () => this.status.up(),
      (error: Error) => this.status.down(`resubscribe failed: ${error.message}`),
    );
  }
}
