/**
 * The `redisx` broadcaster (anycable broadcast/redis.go): anycable-rb XADDs each
 * broadcast to the Redis Stream `redisx_stream` as field `payload`; every node
 * reads it in one consumer group (`bx`), so exactly one node gets each message,
 * acks and deletes it, and the pub/sub spreads it to the others. Messages a
 * crashed node left pending are claimed by another after one read period
 * (XAUTOCLAIM). While Redis is down nothing is read; what was added meanwhile
 * stays in the stream and is read after the reconnect.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { RedisSettings } from '../config/redis.options.js';
import { newRedisClient, watchSentinelMaster } from '../connections/redis.connection.js';
import { backoffMs, EdgeStatus } from '../lifecycle/edge-status.js';
import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import { sinkBody, type Broadcaster, type BroadcasterReporting, type BroadcastSink } from './broadcaster.js';

/** Stable readiness name of the Redis Streams broadcaster. */
export const REDISX_BROADCASTER_EDGE = 'broadcaster:redisx';
/** XREADGROUP block time and XAUTOCLAIM idle time, ms (anycable's `redisx_read_block_milliseconds` default). */
const BLOCK_MS = 2000;

type StreamEntry = [id: string, fields: string[]];

/** See file comment. */
export class RedisxBroadcaster implements Broadcaster {
  readonly fanout = false;
  /** Unique consumer name within the group. */
  readonly consumer = `cablecar-${randomUUID().slice(0, 8)}`;
  private readonly status: EdgeStatus;
  private readonly client: Redis;
  private readonly stopWatch: () => void;
  private sink?: BroadcastSink;
  private loop?: Promise<void>;
  private stopping = false;

  constructor(
    private readonly redis: RedisSettings,
    private readonly stream: { readonly stream: string; readonly group: string },
    private readonly reporting: BroadcasterReporting,
  ) {
    this.status = new EdgeStatus(REDISX_BROADCASTER_EDGE, reporting.logger, { stream: stream.stream, group: stream.group, consumer: this.consumer });
    this.client = newRedisClient(redis, { connectionName: 'cablecar-broadcast-redisx' });
    this.client.on('error', (error: Error) => this.status.down(error.message));
    this.client.on('close', () => this.status.down('connection closed', true));
    this.stopWatch = watchSentinelMaster(this.client, redis);
  }

  /** Connects (first attempt) and starts the read loop, which retries on its own. */
  async start(sink: BroadcastSink): Promise<void> {
    this.sink = sink;
    await this.client.connect().catch((error: Error) => this.status.down(error.message, true));
    this.loop = this.run();
  }

  /** Ends the loop (aborting a blocked read), removes this consumer from the group, closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.stopWatch();
    this.status.stop();
    this.sink = undefined;
    const wasReady = this.client.status === 'ready';
    this.client.disconnect();
    await this.loop;
    if (wasReady) await this.removeConsumer();
  }

  readiness(): EdgeReadiness {
    return this.status.readiness(`XREADGROUP ${this.stream.group} ${this.stream.stream}`);
  }

  private async run(): Promise<void> {
    let failures = 0;
    let lastClaim = 0;
    while (!this.stopping) {
      try {
        if (this.client.status !== 'ready') throw new Error(`redis ${this.client.status}`);
        if (failures > 0 || lastClaim === 0) await this.ensureGroup();
        this.status.up();
        failures = 0;
        if (Date.now() - lastClaim >= BLOCK_MS) {
          this.handle(await this.claimStale());
          lastClaim = Date.now();
        }
        this.handle(await this.read());
      } catch (error) {
        if (this.stopping) return;
        // why generic while not ready: the connection's own error was reported already and says more.
        this.status.down((error as Error).message, this.client.status !== 'ready');
        await new Promise((resolve) => setTimeout(resolve, backoffMs(++failures)));
      }
    }
  }

  /** XGROUP CREATE ... $ MKSTREAM; an existing group is fine. */
  private async ensureGroup(): Promise<void> {
    await this.client.xgroup('CREATE', this.stream.stream, this.stream.group, '$', 'MKSTREAM').catch((error: Error) => {
      if (!error.message.startsWith('BUSYGROUP')) throw error;
    });
  }

  private async read(): Promise<StreamEntry[]> {
    const reply = (await this.client.xreadgroup('GROUP', this.stream.group, this.consumer, 'COUNT', 100, 'BLOCK', BLOCK_MS, 'STREAMS', this.stream.stream, '>')) as [string, StreamEntry[]][] | null;
    return reply?.[0]?.[1] ?? [];
  }

  /** Messages another consumer read but never acked (it died) for longer than one read period. */
  private async claimStale(): Promise<StreamEntry[]> {
    const reply = (await this.client.xautoclaim(this.stream.stream, this.stream.group, this.consumer, BLOCK_MS, '0-0')) as [string, StreamEntry[]];
    return reply[1] ?? [];
  }

  private handle(entries: StreamEntry[]): void {
    for (const [id, fields] of entries) {
      const at = fields.indexOf('payload');
      if (at !== -1 && at % 2 === 0 && this.sink) sinkBody(fields[at + 1], this.sink, REDISX_BROADCASTER_EDGE, this.reporting);
      // why ack and delete: the stream is a queue here, not a history (anycable does the same).
      this.client.multi().xack(this.stream.stream, this.stream.group, id).xdel(this.stream.stream, id).exec().catch(() => undefined);
    }
  }

  /** XGROUP DELCONSUMER on a short-lived connection (the reading one was closed to abort its blocked read). */
  private async removeConsumer(): Promise<void> {
    const client = newRedisClient(this.redis, { connectionName: 'cablecar-broadcast-redisx-stop' });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.xgroup('DELCONSUMER', this.stream.stream, this.stream.group, this.consumer);
    } catch {
      // Redis is gone: the consumer stays in the group, harmless (nothing pending: every read is acked).
    } finally {
      client.disconnect();
    }
  }
}
