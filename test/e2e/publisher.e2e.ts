/**
 * The Node publishers against real peers: `HttpPublisher` against the running
 * app (key derived from the shared secret, outcomes for refusals and a server
 * that is down), `RedisPublisher` against a real Redis (the payload on
 * `__anycable__` is the body Rails would publish).
 */
import { Redis } from 'ioredis';
import { HttpPublisher } from '../../src/publisher/http.publisher.js';
import { broadcastBody, disconnectBody } from '../../src/publisher/publisher.js';
import { RedisPublisher } from '../../src/publisher/redis.publisher.js';
import { startApp, type TestApp } from '../support/app.js';
import { describeWith } from '../support/describe-with.js';
import { RawClient, pubsubIdentifier, waitFor } from '../support/raw-client.js';
import { REDIS, TEST_REDIS_URL } from '../support/requirements.js';

describe('HttpPublisher against cablecar', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--noauth', '--public_streams', '--secret', 'shared-secret']);
  });
  afterAll(() => app.close());

  it('delivers broadcasts and a batch, with the key derived from the shared secret', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    await client.subscribe(pubsubIdentifier('pub'));
    const publisher = new HttpPublisher({ url: app.httpUrl('/_broadcast'), secret: 'shared-secret' });
    expect(await publisher.broadcast('pub', { html: '<b>hi</b>' })).toEqual({ kind: 'sent' });
    expect(await publisher.broadcastMany([{ stream: 'pub', message: 1 }, { stream: 'pub', message: 'two' }])).toEqual({ kind: 'sent' });
    const messages = [await client.next(), await client.next(), await client.next()].map((f) => f.message);
    expect(messages).toEqual([{ html: '<b>hi</b>' }, 1, 'two']);
    client.close();
  });

  it('disconnects every session with the identifiers', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const publisher = new HttpPublisher({ url: app.httpUrl('/_broadcast'), secret: 'shared-secret' });
    expect(await publisher.disconnect(JSON.stringify({ sid: client.sid }), { reconnect: false })).toEqual({ kind: 'sent' });
    expect(await client.next((f) => f.type === 'disconnect')).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
  });

  it('reports refusals and an unreachable server as failed outcomes, never as exceptions', async () => {
    expect(await new HttpPublisher({ url: app.httpUrl('/_broadcast'), key: 'wrong' }).broadcast('pub', 1)).toMatchObject({ kind: 'failed', status: 401 });
    expect(await new HttpPublisher({ url: 'http://127.0.0.1:1/_broadcast' }).broadcast('pub', 1)).toMatchObject({ kind: 'failed', reason: expect.any(String) });
    const closed = new HttpPublisher({ url: app.httpUrl('/_broadcast') });
    await closed.close();
    expect(await closed.broadcast('pub', 1)).toEqual({ kind: 'failed', reason: 'publisher closed' });
  });
});

const describeRedis = await describeWith(REDIS);

describeRedis('RedisPublisher against a real Redis', () => {
  const channel = `__anycable_test_${process.pid}__`;
  let listener: Redis;
  beforeAll(() => {
    listener = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    await listener.del(channel);
    listener.disconnect();
  });

  it('PUBLISHes the body Rails publishes on the channel (the redis adapter)', async () => {
    const received: string[] = [];
    const subscriber = new Redis(TEST_REDIS_URL);
    subscriber.on('message', (_channel, message) => received.push(message));
    await subscriber.subscribe(channel);
    const publisher = new RedisPublisher({ url: TEST_REDIS_URL, channel });
    try {
      expect(await publisher.broadcast('room<1>', { text: 'a & b' }, { exclude_socket: 'sid' })).toEqual({ kind: 'sent' });
      expect(await publisher.disconnect('{"user_id":1}')).toEqual({ kind: 'sent' });
      await waitFor(() => received.length === 2, 3000, 'two messages');
      expect(received).toEqual([broadcastBody('room<1>', { text: 'a & b' }, { exclude_socket: 'sid' }), disconnectBody('{"user_id":1}')]);
    } finally {
      await publisher.close();
      subscriber.disconnect();
    }
  });

  it('XADDs the body under `payload` to the stream (the redisx adapter)', async () => {
    const publisher = new RedisPublisher({ url: TEST_REDIS_URL, channel, mode: 'stream' });
    try {
      expect(await publisher.broadcast('s', 'hi')).toEqual({ kind: 'sent' });
      const entries = await listener.xrange(channel, '-', '+');
      expect(entries.at(-1)?.[1]).toEqual(['payload', broadcastBody('s', 'hi')]);
    } finally {
      await publisher.close();
    }
  });

  it('reports an unreachable Redis as a failed outcome', async () => {
    const publisher = new RedisPublisher({ url: 'redis://127.0.0.1:1', channel });
    expect(await publisher.broadcast('s', 1)).toMatchObject({ kind: 'failed' });
    await publisher.close();
  });
});
