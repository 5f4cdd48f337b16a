import { BroadcastOptions, resolveBroadcastSettings } from '../../../src/broadcast/broadcast.options.js';
import { AppOptions, deriveSecret, resolveAppSettings } from '../../../src/config/app.options.js';
import { RedisOptions, resolveRedisSettings } from '../../../src/config/redis.options.js';

const resolve = (broadcast: Partial<BroadcastOptions> = {}, app: Partial<AppOptions> = {}, redis: Partial<RedisOptions> = {}) =>
  resolveBroadcastSettings(Object.assign(new BroadcastOptions(), broadcast), {
    app: resolveAppSettings(Object.assign(new AppOptions(), app)).settings,
    redis: resolveRedisSettings(Object.assign(new RedisOptions(), redis)).settings,
  });

describe('broadcast slice resolve', () => {
  it('uses broadcast_key, else the key the app slice derives from secret, and reports the implied key', () => {
    expect(resolve({ broadcastKey: 'k' }, { secret: 's' }).settings.http?.auth).toEqual({ kind: 'key', key: 'k' });
    const derived = resolve({}, { secret: 's' });
    expect(derived.settings.http?.auth).toEqual({ kind: 'key', key: deriveSecret('s', 'broadcast-cable') });
    expect(derived.implied).toEqual({ broadcastKey: deriveSecret('s', 'broadcast-cable'), pubsub: 'none' });
  });

  it('accepts keyless broadcasts only in public mode, and refuses them otherwise', () => {
    expect(resolve({}, { public: true }).settings.http?.auth).toEqual({ kind: 'public' });
    expect(resolve().settings.http?.auth).toEqual({ kind: 'disabled' });
  });

  it('describes the HTTP endpoint, or none when the http adapter is off', () => {
    expect(resolve({ httpBroadcastPath: '/in', httpBroadcastMaxBodySize: 2048 }).settings.http).toMatchObject({ path: '/in', maxBodySize: 2048 });
    expect(resolve({ broadcastAdapter: [] }).settings.http).toBeUndefined();
  });

  it("defaults to anycable-go's http + redis broadcasters on __anycable__, with no pub/sub", () => {
    const { settings } = resolve();
    expect(Object.keys(settings).sort()).toEqual(['http', 'pubsub', 'redis']);
    expect(settings.redis).toEqual({ channel: '__anycable__' });
    expect(settings.pubsub).toEqual({ kind: 'none' });
  });

  it('configures one entry per adapter with its channel', () => {
    const { settings } = resolve({ broadcastAdapter: ['redisx', 'nats', 'actioncable'], redisxStream: 'rx', natsChannel: 'n.c', actioncableChannelPrefix: 'app_production' });
    expect(settings).toEqual({
      redisx: { stream: 'rx', group: 'bx' },
      nats: { channel: 'n.c' },
      actioncable: { channelPrefix: 'app_production' },
      pubsub: { kind: 'redis', channel: '__anycable_internal__' },
    });
  });

  it("turns the Redis pub/sub on as anycable-go does: a non-default redis_url or redisx, unless pubsub is given", () => {
    expect(resolve({}, {}, { redisUrl: 'redis://10.0.0.1:6379' }).settings.pubsub).toEqual({ kind: 'redis', channel: '__anycable_internal__' });
    expect(resolve({}, {}, { redisUrl: 'redis://10.0.0.1:6379' }).implied).toEqual({ pubsub: 'redis' });
    expect(resolve({ pubsub: 'none' }, {}, { redisUrl: 'redis://10.0.0.1:6379' }).settings.pubsub).toEqual({ kind: 'none' });
    expect(resolve({ pubsub: 'nats', natsPubsubChannel: 'internal' }).settings.pubsub).toEqual({ kind: 'nats', channel: 'internal' });
  });

  it('renames the command channel <channel>-int when it is the fan-out broadcaster channel', () => {
    expect(resolve({ pubsub: 'redis', redisPubsubChannel: '__anycable__' }).settings.pubsub).toEqual({ kind: 'redis', channel: '__anycable__-int' });
    expect(resolve({ broadcastAdapter: ['nats'], pubsub: 'nats', natsPubsubChannel: '__anycable__' }).settings.pubsub).toEqual({ kind: 'nats', channel: '__anycable__-int' });
  });

  it('warns about redisx without a pub/sub, and needs a redis_url for every Redis edge', () => {
    expect(resolve({ broadcastAdapter: ['redisx'], pubsub: 'none' }).warnings).toEqual([expect.stringContaining('only the node that reads a message delivers it')]);
    expect(resolve({ broadcastAdapter: ['actioncable'], pubsub: 'redis' }).warnings).toEqual([expect.stringContaining('share channel names')]);
    expect(resolve({ broadcastAdapter: ['actioncable'], pubsub: 'redis', actioncableChannelPrefix: 'app' }).warnings).toEqual([]);
    expect(resolve({}, {}, { redisUrl: '' }).problems).toEqual(['redis_url: needed by the Redis broadcast adapters and the Redis pub/sub']);
    expect(resolve({ broadcastAdapter: ['http', 'nats'] }, {}, { redisUrl: '' }).problems).toEqual([]);
  });
});
