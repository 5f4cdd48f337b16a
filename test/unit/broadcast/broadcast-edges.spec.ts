import { actionCableChannel } from '../../../src/broadcast/actioncable.broadcaster.js';
import { natsSubjectFor } from '../../../src/broadcast/nats.pubsub.js';
import { redisClientOptions } from '../../../src/connections/redis.connection.js';
import { RedisOptions, resolveRedisSettings } from '../../../src/config/redis.options.js';
import { BROADCASTERS, PUBSUB } from '../../../src/broadcast/broadcast.tokens.js';
import type { Broadcaster } from '../../../src/broadcast/broadcaster.js';
import type { PubSub } from '../../../src/broadcast/pubsub.js';
import { appContextFor } from '../../support/app-context.js';

const redis = (overrides: Partial<RedisOptions>) => resolveRedisSettings(Object.assign(new RedisOptions(), overrides)).settings;

describe('channel and subject names', () => {
  it("names Action Cable channels as Rails' channel_prefix.rb does", () => {
    expect(actionCableChannel('myapp_production', 'chat_1')).toBe('myapp_production:chat_1');
    expect(actionCableChannel('', 'chat_1')).toBe('chat_1');
  });

  it('keeps valid NATS subjects as the stream name (anycable) and encodes the others', () => {
    expect(natsSubjectFor('chat:1.room_2')).toBe('chat:1.room_2');
    expect(natsSubjectFor('Z2lkOi8vYXBwL1VzZXIvMQ==--abc')).toBe('Z2lkOi8vYXBwL1VzZXIvMQ==--abc');
    for (const bad of ['two words', 'a.*', 'a.>', 'a..b', '.a', '']) expect(natsSubjectFor(bad)).toMatch(/^_cablecar\.b64\./);
    expect(natsSubjectFor('two words')).not.toBe(natsSubjectFor('two  words'));
  });
});

describe('redisClientOptions', () => {
  it('reads host, port, credentials and database from the URL, fails fast offline and never gives up reconnecting', () => {
    const options = redisClientOptions(redis({ redisUrl: 'redis://user:p%40ss@10.0.0.5:6380/3' }), { connectionName: 'x' });
    expect(options).toMatchObject({ host: '10.0.0.5', port: 6380, username: 'user', password: 'p@ss', db: 3, connectionName: 'x', enableOfflineQueue: false, autoResubscribe: false });
    expect(options.tls).toBeUndefined();
    expect(options.retryStrategy!(1000)).toBeLessThanOrEqual(5000);
  });

  it('turns TLS on for rediss:// and verifies the certificate only with redis_tls_verify', () => {
    expect(redisClientOptions(redis({ redisUrl: 'rediss://h:1' }), { connectionName: 'x' }).tls).toEqual({ rejectUnauthorized: false });
    expect(redisClientOptions(redis({ redisUrl: 'rediss://h:1', redisTlsVerify: true }), { connectionName: 'x' }).tls).toEqual({ rejectUnauthorized: true });
  });

  it('asks the Sentinels for the master the URL names', () => {
    const options = redisClientOptions(redis({ redisUrl: 'redis://:pw@mymaster/1', redisSentinels: [':spw@10.0.0.1:26379', '10.0.0.2:26379'] }), { connectionName: 'x' });
    expect(options).toMatchObject({ name: 'mymaster', password: 'pw', db: 1, sentinelPassword: 'spw', sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26379 }], failoverDetector: true });
    expect(options.host).toBeUndefined();
  });
});

describe('BroadcastModule picks edges by broadcast_adapter and pubsub', () => {
  it('builds one broadcaster per adapter, fan-out flags as anycable, and the pub/sub named by pubsub (not started: nothing listens)', async () => {
    const ctx = await appContextFor(['--broadcast_adapter', 'http,redis,redisx,nats,actioncable', '--pubsub', 'nats', '--redis_url', 'redis://127.0.0.1:1', '--nats_servers', 'nats://127.0.0.1:1']);
    const broadcasters = ctx.get<readonly Broadcaster[]>(BROADCASTERS);
    expect(broadcasters.map((b) => [b.readiness().name, b.fanout, b.streams !== undefined])).toEqual([
      ['broadcaster:http', false, false],
      ['broadcaster:redis', true, false],
      ['broadcaster:redisx', false, false],
      ['broadcaster:nats', true, false],
      ['broadcaster:actioncable', true, true],
    ]);
    expect(ctx.get<PubSub>(PUBSUB).readiness()).toMatchObject({ name: 'pubsub:nats', state: 'down' });
    expect(broadcasters.slice(1).map((b) => b.readiness().state)).toEqual(['down', 'down', 'down', 'down']);
    await ctx.close();
  }, 20_000);
});
