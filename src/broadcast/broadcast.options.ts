/**
 * The `broadcast` slice: inbound broadcast adapters and their channels, the HTTP
 * endpoint, and the node-to-node pub/sub (anycable broadcast/*.go, pubsub/*.go,
 * cli/options.go). The key defaults to the one the shared `app` slice derives
 * from `secret`; `public` allows keyless broadcasts; an explicit `redis_url` or
 * the `redisx` adapter turns the Redis pub/sub on, as in anycable-go.
 */
import { IsIn, IsInt, IsString, Matches, Min, MinLength } from 'class-validator';
import { defineCapability, type Resolved, type SharedSettings } from '../config/capability.js';
import { Option } from '../config/option.decorator.js';
import { BROADCAST_SETTINGS } from './broadcast.tokens.js';
import { broadcastAuthFor, type BroadcastAuth } from './http.broadcaster.js';

/** Broadcast adapters: anycable-go's four, plus `actioncable` (the stock Action Cable Redis adapter). */
export const BROADCAST_ADAPTERS = ['http', 'redis', 'redisx', 'nats', 'actioncable'] as const;
/** Node-to-node pub/sub engines; '' = auto (anycable-go's rule). */
export const PUBSUB_ADAPTERS = ['', 'none', 'redis', 'nats'] as const;

/** Options of the `broadcast` slice. */
export class BroadcastOptions {
  @Option({ kind: 'list', toml: 'broadcast_adapters', description: 'Inbound broadcast adapters, comma-separated: http, redis (Pub/Sub channel), redisx (Redis Stream), nats, actioncable (stock Rails Redis adapter).' })
  @IsIn(BROADCAST_ADAPTERS as unknown as string[], { each: true })
  broadcastAdapter: string[] = ['http', 'redis'];

  @Option({ kind: 'string', toml: 'broadcast_key', secret: true, deprecatedNames: ['http_broadcast_secret'], description: 'Bearer key for HTTP broadcasts; defaults to hex HMAC-SHA256(secret, "broadcast-cable").' })
  @IsString()
  broadcastKey = '';

  @Option({ kind: 'string', toml: 'http_broadcast.path', description: 'Path of the HTTP broadcast endpoint.' })
  @IsString() @Matches(/^\//, { message: 'http_broadcast_path must start with /' })
  httpBroadcastPath = '/_broadcast';

  @Option({ kind: 'int', toml: 'http_broadcast.max_body_size', description: 'Largest accepted HTTP broadcast body in bytes (413 beyond).' })
  @IsInt() @Min(1024)
  httpBroadcastMaxBodySize = 4194304;

  @Option({ kind: 'string', toml: 'redis_pubsub_broadcast.channel', description: 'Redis Pub/Sub channel the `redis` broadcaster subscribes to.' })
  @IsString() @MinLength(1)
  redisChannel = '__anycable__';

  @Option({ kind: 'string', toml: 'redis_stream_broadcast.stream', description: 'Redis Stream the `redisx` broadcaster reads (XADD <stream> * payload <json>).' })
  @IsString() @MinLength(1)
  redisxStream = '__anycable__';

  @Option({ kind: 'string', toml: 'redis_stream_broadcast.group', description: 'Consumer group of the `redisx` broadcaster: one node of the group reads each message.' })
  @IsString() @MinLength(1)
  redisxGroup = 'bx';

  @Option({ kind: 'string', toml: 'nats_broadcast.channel', description: 'NATS subject the `nats` broadcaster subscribes to.' })
  @IsString() @Matches(/^[^\s*>]+$/, { message: 'nats_channel must be a NATS subject without wildcards' })
  natsChannel = '__anycable__';

  @Option({ kind: 'string', toml: 'actioncable.channel_prefix', description: "`channel_prefix` of the app's config/cable.yml for the `actioncable` adapter (Rails publishes to <prefix>:<stream>); empty = none." })
  @IsString()
  actioncableChannelPrefix = '';

  @Option({ kind: 'string', toml: 'pubsub_adapter', description: 'Node-to-node pub/sub: none, redis or nats; empty = redis when redis_url is set or redisx is used, else none (as anycable-go).' })
  @IsIn(PUBSUB_ADAPTERS as unknown as string[])
  pubsub = '';

  @Option({ kind: 'string', toml: 'redis_pubsub.channel', description: 'Redis channel of node-to-node remote commands (streams use their own name as channel).' })
  @IsString() @MinLength(1)
  redisPubsubChannel = '__anycable_internal__';

  @Option({ kind: 'string', toml: 'nats_pubsub.channel', description: 'NATS subject of node-to-node remote commands (streams use their own name as subject).' })
  @IsString() @Matches(/^[^\s*>]+$/, { message: 'nats_pubsub_channel must be a NATS subject without wildcards' })
  natsPubsubChannel = '__anycable_internal__';
}

/** Which node-to-node pub/sub to run, and its remote-command channel. */
export type PubSubChoice = { readonly kind: 'none' } | { readonly kind: 'redis' | 'nats'; readonly channel: string };

/** The resolved `broadcast` slice: one entry per configured adapter, plus the pub/sub. */
export interface BroadcastSettings {
  /** The HTTP broadcaster, or undefined when `broadcast_adapter` does not list `http`. */
  readonly http?: {
    readonly path: string;
    readonly maxBodySize: number;
    /** `broadcast_key`, else the key derived from `secret`; keyless only in public mode. */
    readonly auth: BroadcastAuth;
  };
  /** Legacy Redis Pub/Sub broadcaster (fan-out). */
  readonly redis?: { readonly channel: string };
  /** Redis Streams broadcaster (one node per message). */
  readonly redisx?: { readonly stream: string; readonly group: string };
  /** Legacy NATS broadcaster (fan-out). */
  readonly nats?: { readonly channel: string };
  /** Stock Action Cable Redis adapter (fan-out, per stream). */
  readonly actioncable?: { readonly channelPrefix: string };
  readonly pubsub: PubSubChoice;
}

/** anycable-go's rule: no explicit pub/sub + (a non-default redis_url, or redisx) = the Redis pub/sub. */
function pubsubKind(options: Readonly<BroadcastOptions>, shared: Pick<SharedSettings, 'redis'>): 'none' | 'redis' | 'nats' {
  if (options.pubsub !== '') return options.pubsub as 'none' | 'redis' | 'nats';
  return shared.redis.urlGiven || options.broadcastAdapter.includes('redisx') ? 'redis' : 'none';
}

/** The pub/sub's command channel; renamed `<channel>-int` when it equals the fan-out broadcaster's (anycable cli/options.go). */
function pubsubChoice(kind: 'none' | 'redis' | 'nats', options: Readonly<BroadcastOptions>): PubSubChoice {
  if (kind === 'none') return { kind };
  const [channel, broadcasterChannel] = kind === 'redis' ? [options.redisPubsubChannel, options.redisChannel] : [options.natsPubsubChannel, options.natsChannel];
  const clash = options.broadcastAdapter.includes(kind) && channel === broadcasterChannel;
  return { kind, channel: clash ? `${channel}-int` : channel };
}

/** Resolve the `broadcast` slice with the shared key derivation, `public` mode and the Redis URL. */
export function resolveBroadcastSettings(options: Readonly<BroadcastOptions>, shared: Pick<SharedSettings, 'app' | 'redis'>): Resolved<BroadcastSettings, BroadcastOptions> {
  const adapters = new Set(options.broadcastAdapter);
  const key = options.broadcastKey || shared.app.derivedBroadcastKey;
  const kind = pubsubKind(options, shared);
  const warnings: string[] = [];
  if (adapters.has('redisx') && kind === 'none') warnings.push('broadcast_adapter redisx with pubsub none: only the node that reads a message delivers it (set pubsub=redis or nats for several nodes)');
  if (adapters.has('actioncable') && !options.actioncableChannelPrefix && kind === 'redis') {
    // why: both name Redis channels after the bare stream, so each would hear the other's messages (same Redis database).
    warnings.push('broadcast_adapter actioncable without actioncable_channel_prefix and pubsub redis share channel names: set a channel_prefix in cable.yml (and here), or use pubsub nats');
  }
  const settings: BroadcastSettings = {
    ...(adapters.has('http') ? { http: { path: options.httpBroadcastPath, maxBodySize: options.httpBroadcastMaxBodySize, auth: broadcastAuthFor(key, shared.app.public) } } : {}),
    ...(adapters.has('redis') ? { redis: { channel: options.redisChannel } } : {}),
    ...(adapters.has('redisx') ? { redisx: { stream: options.redisxStream, group: options.redisxGroup } } : {}),
    ...(adapters.has('nats') ? { nats: { channel: options.natsChannel } } : {}),
    ...(adapters.has('actioncable') ? { actioncable: { channelPrefix: options.actioncableChannelPrefix } } : {}),
    pubsub: pubsubChoice(kind, options),
  };
  const implied: Partial<BroadcastOptions> = {
    ...(key !== options.broadcastKey ? { broadcastKey: key } : {}),
    ...(kind !== options.pubsub ? { pubsub: kind } : {}),
  };
  const needsRedis = adapters.has('redis') || adapters.has('redisx') || adapters.has('actioncable') || kind === 'redis';
  const problems = needsRedis && !shared.redis.url ? ['redis_url: needed by the Redis broadcast adapters and the Redis pub/sub'] : [];
  return { settings, problems, warnings, ...(Object.keys(implied).length > 0 ? { implied } : {}) };
}

/** The `broadcast` capability, provided as `BROADCAST_SETTINGS`. */
export const broadcastCapability = defineCapability({ name: 'broadcast', options: BroadcastOptions, token: BROADCAST_SETTINGS, resolve: resolveBroadcastSettings });
