/**
 * The `redis` slice: how every Redis edge connects (anycable redis/config.go):
 * the URL, Sentinel and TLS verification. It is not a JWT or broadcast option:
 * the JWT replay store, the Redis broadcasters and the Redis pub/sub all read it
 * from here (`shared.redis` in `resolve`, `REDIS_SETTINGS` in Nest).
 */
import { IsBoolean, IsInt, IsString, Matches, Min } from 'class-validator';
import { defineSharedCapability, type Resolved } from './capability.js';
import { REDIS_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** The default `redis_url` (anycable-go's Go default; its docs say `/5`). */
export const DEFAULT_REDIS_URL = 'redis://localhost:6379';

/** Options of the `redis` slice (`[redis]` in anycable.toml). */
export class RedisOptions {
  @Option({ kind: 'string', toml: 'redis.url', envAliases: ['REDIS_URL'], secret: true, description: 'Redis URL (may hold a password, so redacted), default redis://localhost:6379; rediss:// for TLS. With redis_sentinels its host is the master name.' })
  @IsString() @Matches(/^(rediss?:\/\/.*)?$/, { message: 'redis_url must start with redis:// or rediss://' })
  redisUrl = DEFAULT_REDIS_URL;

  @Option({ kind: 'list', toml: 'redis.sentinels', secret: true, description: 'Redis Sentinel addresses `[:password@]host:port`, comma-separated; when set, redis_url names the master (redis://[:password@]<master>[/db]).' })
  @IsString({ each: true })
  redisSentinels: string[] = [];

  @Option({ kind: 'int', toml: 'redis.sentinel_discovery_interval', description: 'Seconds between checks that the Sentinels still name the master cablecar is connected to (reconnects on a failover).' })
  @IsInt() @Min(1)
  redisSentinelDiscoveryInterval = 30;

  @Option({ kind: 'bool', toml: 'redis.tls_verify', description: "Verify the Redis server's TLS certificate with rediss:// (off by default, as in anycable-go)." })
  @IsBoolean()
  redisTlsVerify = false;
}

/** One Sentinel address. */
export interface SentinelAddress {
  readonly host: string;
  readonly port: number;
}

/** The resolved `redis` slice, shared with every capability. */
export interface RedisSettings {
  /** `redis://` or `rediss://` URL; '' when explicitly unset (`none`). */
  readonly url: string;
  /** True when `redis_url` is set to something other than the default: anycable-go then turns the Redis pub/sub on. */
  readonly urlGiven: boolean;
  /** Sentinels to ask for the master named by the URL's host; empty = connect to the URL directly. */
  readonly sentinels: readonly SentinelAddress[];
  /** Password of the Sentinels themselves (from the first entry that has one). */
  readonly sentinelPassword?: string;
  readonly sentinelDiscoveryIntervalMs: number;
  /** With `rediss://`: verify the server certificate. */
  readonly tlsVerify: boolean;
}

/** Parse `[:password@]host:port` entries; returns problems for the ones that are not. */
function parseSentinels(entries: readonly string[]): { sentinels: SentinelAddress[]; password?: string; problems: string[] } {
  const sentinels: SentinelAddress[] = [];
  const problems: string[] = [];
  let password: string | undefined;
  for (const entry of entries.map((e) => e.trim()).filter(Boolean)) {
    const match = /^(?:[^:@]*:([^@]*)@)?([^:@]+):(\d{1,5})$/.exec(entry);
    if (!match || Number(match[3]) > 65535) {
      problems.push('redis_sentinels: each entry must be [:password@]host:port');
      continue;
    }
    password ??= match[1] ? decodeURIComponent(match[1]) : undefined;
    sentinels.push({ host: match[2], port: Number(match[3]) });
  }
  return { sentinels, password, problems };
}

/** Resolve the `redis` slice (shared, so it needs no shared input). */
export function resolveRedisSettings(options: Readonly<RedisOptions>): Resolved<RedisSettings, RedisOptions> {
  const { sentinels, password, problems } = parseSentinels(options.redisSentinels);
  if (sentinels.length > 0 && !options.redisUrl) problems.push('redis_sentinels: needs redis_url naming the master (redis://<master>)');
  return {
    settings: {
      url: options.redisUrl,
      urlGiven: options.redisUrl !== '' && options.redisUrl !== DEFAULT_REDIS_URL,
      sentinels,
      ...(password !== undefined ? { sentinelPassword: password } : {}),
      sentinelDiscoveryIntervalMs: options.redisSentinelDiscoveryInterval * 1000,
      tlsVerify: options.redisTlsVerify,
    },
    problems: [...new Set(problems)],
    warnings: [],
  };
}

/** The `redis` capability (shared slice, resolved right after `app`). */
export const redisCapability = defineSharedCapability({ name: 'redis', options: RedisOptions, token: REDIS_SETTINGS, resolve: resolveRedisSettings });
