import { Redis } from 'ioredis';
import type { RedisSettings } from '../../config/redis.options.js';
import { closeRedis, redisClientOptions } from '../../connections/redis.connection.js';
import type { EdgeReadiness } from '../../lifecycle/io-edge.js';
import type { ReplayStore } from './replay-store.js';

/** Default key prefix of replay entries. */
export const REPLAY_KEY_PREFIX = 'cablecar:jwt:used:';

/**
 * Replay store shared by every node through Redis: `SET <key> 1 NX PXAT <exp>`
 * is atomic, so exactly one node wins a token and Redis forgets it at `exp`.
 * Needs Redis >= 6.2 (PXAT).
 */
export class RedisReplayStore implements ReplayStore {
  private readonly redis: Redis;
  /** Last connection error since the last `ready`, for `readiness()`. */
  private lastError?: string;
  private stopped = false;

  /** `redis`: a URL, or the `redis` slice (Sentinel, TLS verification), as every Redis edge connects. */
  constructor(redis: string | RedisSettings, private readonly prefix = REPLAY_KEY_PREFIX) {
    // why: fail a handshake fast when Redis is gone instead of queueing it behind endless reconnects.
    const failFast = { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2000, connectionName: 'cablecar-jwt-replay' };
    this.redis = typeof redis === 'string' ? new Redis(redis, failFast) : new Redis({ ...redisClientOptions(redis, failFast), ...failFast, enableOfflineQueue: true });
    // Surfaced through rejected claims and readiness(); ioredis keeps reconnecting on its own.
    this.redis.on('error', (error: Error) => (this.lastError = error.message));
    this.redis.on('ready', () => (this.lastError = undefined));
  }

  /** Connect now (at boot) so the first handshake does not pay for it. Resolves even when Redis is down: readiness says so. */
  async start(): Promise<void> {
    if (this.redis.status !== 'wait') return;
    await this.redis.connect().catch((error: Error) => (this.lastError ??= error.message));
  }

  readiness(): EdgeReadiness {
    const name = 'jwt-replay:redis';
    const status = this.redis.status;
    if (this.stopped || status === 'end') return { name, state: 'down', detail: 'stopped' };
    if (status === 'ready') return { name, state: 'up' };
    if (this.lastError !== undefined) return { name, state: 'down', detail: this.lastError };
    return { name, state: 'starting', detail: status };
  }

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
    const reply = await this.redis.set(this.prefix + key, '1', 'PXAT', Math.ceil(expiresAtMs), 'NX');
    return reply === 'OK';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await closeRedis(this.redis);
  }
}
