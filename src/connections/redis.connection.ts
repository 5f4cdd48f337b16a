/**
 * One place that turns the `redis` slice into ioredis clients, so every Redis
 * edge (broadcasters, pub/sub, JWT replay store) connects the same way: plain
 * URL or Sentinel (anycable redis/config.go), `rediss://` with or without
 * certificate verification, and a capped, jittered reconnect backoff that never
 * gives up (anycable-go stops after 5 attempts; cablecar keeps serving and retrying).
 */
import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import type { RedisSettings } from '../config/redis.options.js';
import { backoffMs } from '../lifecycle/edge-status.js';

/** How an edge wants its client to behave beyond the shared connection settings. */
export interface RedisClientRole {
  /** `CLIENT SETNAME`, e.g. `cablecar-pubsub-sub`: operators see who is who in `CLIENT LIST`. */
  readonly connectionName: string;
}

/** ioredis options for `settings` (TLS, Sentinel) plus cablecar's edge defaults. */
export function redisClientOptions(settings: RedisSettings, role: RedisClientRole): RedisOptions {
  const url = new URL(settings.url);
  const tls = url.protocol === 'rediss:' ? { tls: { rejectUnauthorized: settings.tlsVerify } } : {};
  const common: RedisOptions = {
    ...tls,
    connectionName: role.connectionName,
    lazyConnect: true,
    connectTimeout: 2000,
    // why: at-most-once; a command issued while disconnected fails at once instead of queueing without bound.
    enableOfflineQueue: false,
    autoResendUnfulfilledCommands: false,
    autoResubscribe: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (attempt) => backoffMs(attempt),
  };
  if (settings.sentinels.length === 0) return { ...common, ...fromUrl(url) };
  return {
    ...common,
    ...fromUrl(url),
    host: undefined,
    port: undefined,
    name: decodeURIComponent(url.hostname),
    sentinels: settings.sentinels.map(({ host, port }) => ({ host, port })),
    ...(settings.sentinelPassword !== undefined ? { sentinelPassword: settings.sentinelPassword } : {}),
    ...(url.protocol === 'rediss:' ? { enableTLSForSentinelMode: true } : {}),
    sentinelRetryStrategy: (attempt) => backoffMs(attempt),
    sentinelReconnectStrategy: (attempt: number) => backoffMs(attempt),
    failoverDetector: true,
  };
}

/** Host, port, credentials and database of a `redis(s)://` URL. */
function fromUrl(url: URL): RedisOptions {
  const db = Number(url.pathname.replace(/^\//, '') || 0);
  return {
    host: url.hostname.replace(/^\[|\]$/g, '') || 'localhost',
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
  };
}

/**
 * Close a client for good: QUIT when connected (the server sees a clean goodbye), then
 * `disconnect()` in every case, because only that also ends ioredis' Sentinel failover
 * detector connections and any pending reconnect timer.
 */
export async function closeRedis(client: Redis): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => undefined);
  client.disconnect();
}

/** A new, not yet connected client for one edge. */
export function newRedisClient(settings: RedisSettings, role: RedisClientRole): Redis {
  return new Redis(redisClientOptions(settings, role));
}

/**
 * With Sentinels: every `redis_sentinel_discovery_interval`, ask the Sentinels
 * which master they name and reconnect when it is not the one `client` talks to
 * (a failover the client did not notice). Returns the timer's stopper.
 */
export function watchSentinelMaster(client: Redis, settings: RedisSettings): () => void {
  if (settings.sentinels.length === 0) return () => undefined;
  const master = decodeURIComponent(new URL(settings.url).hostname);
  const timer = setInterval(() => void checkMaster(client, settings, master), settings.sentinelDiscoveryIntervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

async function checkMaster(client: Redis, settings: RedisSettings, master: string): Promise<void> {
  if (client.status !== 'ready') return;
  for (const sentinel of settings.sentinels) {
    const probe = new Redis({ host: sentinel.host, port: sentinel.port, password: settings.sentinelPassword, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => undefined);
    try {
      await probe.connect();
      const named = (await probe.call('SENTINEL', 'get-master-addr-by-name', master)) as [string, string] | null;
      const stream = (client as unknown as { stream?: { remoteAddress?: string; remotePort?: number } }).stream;
      if (named && stream && movedAway(named, stream)) client.disconnect(true);
      return;
    } catch {
      // try the next Sentinel
    } finally {
      probe.disconnect();
    }
  }
}

/** Whether the master the Sentinels name (`[ip, port]`) is not where the client's socket goes. */
function movedAway([host, port]: [string, string], socket: { remoteAddress?: string; remotePort?: number }): boolean {
  if (socket.remotePort !== undefined && String(socket.remotePort) !== String(port)) return true;
  // why only for IPs: a hostname cannot be compared with the socket's address without a lookup.
  return isIP(host) !== 0 && socket.remoteAddress !== undefined && !socket.remoteAddress.endsWith(host);
}
