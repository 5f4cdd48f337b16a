/**
 * The `redis` slice: the one Redis URL (anycable redis/config.go). It is not a
 * JWT option: the JWT replay store, and later the Redis broadcaster and pub/sub,
 * read it from here (`shared.redis` in `resolve`, `REDIS_SETTINGS` in Nest).
 */
import { IsString, Matches } from 'class-validator';
import { defineSharedCapability, resolvedOk, type Resolved } from './capability.js';
import { REDIS_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** Options of the `redis` slice (`[redis]` in anycable.toml). */
export class RedisOptions {
  @Option({ kind: 'string', toml: 'redis.url', envAliases: ['REDIS_URL'], secret: true, description: 'Redis URL (may hold a password, so redacted), default redis://localhost:6379.' })
  @IsString() @Matches(/^(rediss?:\/\/.*)?$/, { message: 'redis_url must start with redis:// or rediss://' })
  redisUrl = 'redis://localhost:6379';
}

/** The resolved `redis` slice, shared with every capability. */
export interface RedisSettings {
  /** `redis://` or `rediss://` URL; '' when explicitly unset (`none`). */
  readonly url: string;
}

/** Resolve the `redis` slice (shared, so it needs no shared input). */
export function resolveRedisSettings(options: Readonly<RedisOptions>): Resolved<RedisSettings, RedisOptions> {
  return resolvedOk({ url: options.redisUrl });
}

/** The `redis` capability (shared slice, resolved right after `app`). */
export const redisCapability = defineSharedCapability({ name: 'redis', options: RedisOptions, token: REDIS_SETTINGS, resolve: resolveRedisSettings });
