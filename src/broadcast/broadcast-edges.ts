/**
 * Builds the broadcast road's I/O edges from the settings: one broadcaster per
 * `broadcast_adapter` entry (anycable cli.go `WithDefaultBroadcaster`) and the
 * pub/sub named by `pubsub`. Plain functions, so the module only wires.
 */
import type { NatsSettings } from '../config/nats.options.js';
import type { RedisSettings } from '../config/redis.options.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { Counters } from '../metrics/counters.js';
import { ActionCableBroadcaster } from './actioncable.broadcaster.js';
import type { BroadcastSettings } from './broadcast.options.js';
import type { Broadcaster, BroadcasterReporting } from './broadcaster.js';
import { HttpBroadcaster } from './http.broadcaster.js';
import { LocalPubSub } from './local.pubsub.js';
import { NatsBroadcaster } from './nats.broadcaster.js';
import { NatsPubSub } from './nats.pubsub.js';
import type { PubSub } from './pubsub.js';
import { RedisBroadcaster } from './redis.broadcaster.js';
import { RedisPubSub } from './redis.pubsub.js';
import { RedisxBroadcaster } from './redisx.broadcaster.js';

/** The HTTP broadcaster when `http` is among `broadcast_adapter`, else null. */
export function httpBroadcasterFor(settings: BroadcastSettings, logger: CableLogger): HttpBroadcaster | null {
  const { http } = settings;
  if (!http) return null;
  return new HttpBroadcaster({ path: http.path, auth: http.auth, maxBodySize: http.maxBodySize, logger });
}

/** Every configured broadcaster, `http` (already built, mounted by the module) first. */
export function broadcastersFor(settings: BroadcastSettings, http: HttpBroadcaster | null, redis: RedisSettings, nats: NatsSettings, reporting: BroadcasterReporting): Broadcaster[] {
  const list: Broadcaster[] = http ? [http] : [];
  if (settings.redis) list.push(new RedisBroadcaster(redis, settings.redis.channel, reporting));
  if (settings.redisx) list.push(new RedisxBroadcaster(redis, settings.redisx, reporting));
  if (settings.nats) list.push(new NatsBroadcaster(nats, settings.nats.channel, reporting));
  if (settings.actioncable) list.push(new ActionCableBroadcaster(redis, settings.actioncable.channelPrefix, reporting));
  return list;
}

/** The node-to-node pub/sub `pubsub` names: local (one node), Redis or NATS. */
export function pubsubFor(settings: BroadcastSettings, redis: RedisSettings, nats: NatsSettings, logger: CableLogger, counters: Counters): PubSub {
  const { pubsub } = settings;
  switch (pubsub.kind) {
    case 'none':
      return new LocalPubSub();
    case 'redis':
      return new RedisPubSub(redis, pubsub.channel, { logger, counters });
    case 'nats':
      return new NatsPubSub(nats, pubsub.channel, { logger, counters });
    default:
      return unknownPubSub(pubsub);
  }
}

function unknownPubSub(choice: never): never {
  throw new Error(`unknown pubsub ${JSON.stringify(choice)}`);
}
