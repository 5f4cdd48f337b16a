/**
 * The Redis broadcasters against a real Redis, each reaching real `@rails/actioncable`
 * clients: `redis` (PUBLISH on redis_channel, as anycable-rb's Redis adapter does),
 * `redisx` (XADD to a Redis Stream, read by one node's consumer group, spread by the
 * pub/sub) and `actioncable` (published from Ruby by Rails' own Redis adapter).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { startApp, type TestApp } from '../support/app.js';
import { describeWith } from '../support/describe-with.js';
import { waitFor } from '../support/raw-client.js';
import { REDIS, RUBY_ACTIONCABLE_REDIS, TEST_REDIS_URL } from '../support/requirements.js';
import { eventually, railsSubscriber, redisClient, subscriberCount, subscribersReach, unique, untilHeard } from '../support/scale.js';

const readiness = async (app: TestApp) => {
  const res = await fetch(app.httpUrl('/ready'));
  return { status: res.status, body: (await res.json()) as { status: string; edges: { name: string; state: string }[] } };
};

(await describeWith(REDIS))('redis broadcaster (anycable-rb Redis adapter format)', () => {
  const channel = unique('cc-redis-bc');
  let app: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    redis = redisClient();
    app = await startApp(['--public', '--broadcast_adapter', 'redis', '--redis_url', TEST_REDIS_URL, '--redis_channel', channel, '--pubsub', 'none']);
    await subscribersReach(redis, channel, 1);
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  it('delivers AnyCable.broadcast publications, single and batched in order, to @rails/actioncable clients', async () => {
    const stream = unique('chat');
    const client = await railsSubscriber(app.wsUrl(), stream);
    await redis.publish(channel, JSON.stringify({ stream, data: JSON.stringify({ text: 'one' }) }));
    await redis.publish(channel, JSON.stringify([{ stream, data: JSON.stringify({ text: 'two' }) }, { stream, data: JSON.stringify({ text: 'three' }), meta: {} }]));
    await waitFor(() => client.received.length === 3, 5000, 'three broadcasts');
    expect(client.received).toEqual([{ text: 'one' }, { text: 'two' }, { text: 'three' }]);
    client.close();
  });

  it('reports the broadcaster ready, and counts an unreadable message instead of delivering it', async () => {
    expect(await readiness(app)).toMatchObject({ status: 200, body: { status: 'ready', edges: expect.arrayContaining([expect.objectContaining({ name: 'broadcaster:redis', state: 'up' })]) } });
    await redis.publish(channel, '{"stream":');
    await waitFor(() => app.logs.some((line) => line.includes('broadcast dropped: unreadable message')), 5000, 'invalid message logged');
  });

  it('unsubscribes and closes its connection at shutdown', async () => {
    const other = await startApp(['--public', '--broadcast_adapter', 'redis', '--redis_url', TEST_REDIS_URL, '--redis_channel', `${channel}-2`, '--pubsub', 'none']);
    await subscribersReach(redis, `${channel}-2`, 1);
    await other.close();
    expect(await subscriberCount(redis, `${channel}-2`)).toBe(0);
  });
});

(await describeWith(REDIS))('redisx broadcaster (Redis Streams, one consumer group)', () => {
  const stream = unique('cc-redisx');
  let app: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    redis = redisClient();
    app = await startApp(['--public', '--broadcast_adapter', 'redisx', '--redis_url', TEST_REDIS_URL, '--redisx_stream', stream, '--pubsub', 'redis', '--redis_pubsub_channel', unique('cc-int')]);
  });
  afterAll(async () => {
    await app.close();
    await redis.del(stream);
    redis.disconnect();
  });

  it('reads XADDed broadcasts through the pub/sub to @rails/actioncable clients, and acks and deletes them', async () => {
    const name = unique('news');
    const client = await railsSubscriber(app.wsUrl(), name);
    let n = 0;
    await untilHeard(() => redis.xadd(stream, '*', 'payload', JSON.stringify({ stream: name, data: JSON.stringify({ marker: ++n }) })), () => client.received.length > 0);
    const before = client.received.length;
    await redis.xadd(stream, '*', 'payload', JSON.stringify([{ stream: name, data: '{"n":1}' }, { stream: name, data: '{"n":2}' }]));
    await waitFor(() => client.received.length === before + 2, 5000, 'batch');
    expect(client.received.slice(before)).toEqual([{ n: 1 }, { n: 2 }]);
    await eventually(async () => (await redis.xlen(stream)) === 0 || undefined, 5000, 'entries deleted');
    const groups = (await redis.xinfo('GROUPS', stream)) as unknown[][];
    expect(groups.map((g) => g[1])).toEqual(['bx']);
    client.close();
  });
});

(await describeWith(REDIS, RUBY_ACTIONCABLE_REDIS))('actioncable broadcaster (stock Rails Redis adapter, published from Ruby)', () => {
  const prefix = unique('myapp_production');
  let app: TestApp;
  let redis: Redis;
  beforeAll(async () => {
    redis = redisClient();
    app = await startApp(['--public', '--broadcast_adapter', 'actioncable', '--redis_url', TEST_REDIS_URL, '--actioncable_channel_prefix', prefix, '--pubsub', 'none']);
  });
  afterAll(async () => {
    await app.close();
    redis.disconnect();
  });

  /** `ActionCable.server.broadcast(stream, message)` for each message, from Debian's ruby-actioncable. */
  const railsBroadcast = (channelPrefix: string, stream: string, messages: unknown[]) => {
    const run = spawnSync('ruby', [join(process.cwd(), 'test/fixtures/actioncable/broadcast.rb'), TEST_REDIS_URL, channelPrefix, stream, JSON.stringify(messages)], { encoding: 'utf8', timeout: 20_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  };

  it('subscribes <channel_prefix>:<stream> for a watched stream and delivers what Rails broadcasts, HTML escapes and all', async () => {
    const stream = unique('room');
    const client = await railsSubscriber(app.wsUrl(), stream);
    await subscribersReach(redis, `${prefix}:${stream}`, 1);
    railsBroadcast(prefix, stream, [{ text: '<b>hi</b> & bye' }, 'plain', [1, 2]]);
    await waitFor(() => client.received.length === 3, 5000, 'three broadcasts');
    expect(client.received).toEqual([{ text: '<b>hi</b> & bye' }, 'plain', [1, 2]]);
    client.close();
    await subscribersReach(redis, `${prefix}:${stream}`, 0);
  });

  it('listens to nothing for streams nobody on this node watches', async () => {
    const watched = unique('watched');
    const client = await railsSubscriber(app.wsUrl(), watched);
    await subscribersReach(redis, `${prefix}:${watched}`, 1);
    expect(await subscriberCount(redis, `${prefix}:${unique('unwatched')}`)).toBe(0);
    client.close();
  });

  it('uses the bare stream name when cable.yml has no channel_prefix', async () => {
    const bare = await startApp(['--public', '--broadcast_adapter', 'actioncable', '--redis_url', TEST_REDIS_URL, '--pubsub', 'none']);
    const stream = unique('bare');
    const client = await railsSubscriber(bare.wsUrl(), stream);
    await subscribersReach(redis, stream, 1);
    railsBroadcast('', stream, [{ ok: true }]);
    await waitFor(() => client.received.length === 1, 5000, 'broadcast');
    expect(client.received).toEqual([{ ok: true }]);
    client.close();
    await bare.close();
  });
});
