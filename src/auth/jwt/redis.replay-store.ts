import { Redis } from 'ioredis';
import type { ReplayStore } from './replay-store.js';

/** Default key prefix of replay entries. */
export const REPLAY_KEY_PREFIX = 'cablecar:jwt:used:';

/**
 * Replay store shared by every node through Redis: `SET <key> 1 NX PXAT <exp>`
 * is atomic, so exactly one node wins a token and Redis forgets it at `exp`.
 * Needs Redis >= 6.2 (PXAT).
 */
export class RedisReplayStore implements ReplayStore {
  readonly name = 'redis';
  private readonly redis: Redis;

  constructor(url: string, private readonly prefix = REPLAY_KEY_PREFIX) {
    // why: fail a handshake fast when Redis is gone instead of queueing it behind endless reconnects.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, commandTimeout: 2000, connectionName: 'cablecar-jwt-replay' });
    this.redis.on('error', () => undefined); // surfaced through rejected claims
  }

  /** Connect now (at boot) so the first handshake does not pay for it. */
  async connect(): Promise<void> {
    if (this.redis.status === 'wait') await this.redis.connect();
  }

  async claim(key: string, expiresAtMs: number): Promise<boolean> {
    const reply = await this.redis.set(this.prefix + key, '1', 'PXAT', Math.ceil(expiresAtMs), 'NX');
    return reply === 'OK';
  }

  async close(): Promise<void> {
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
