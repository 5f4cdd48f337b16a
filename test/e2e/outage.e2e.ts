/**
 * Outages and shutdown with real servers. A Redis and a NATS server of the test's
 * own, on spare ports, are killed mid-run and started again: the nodes keep
 * serving, readiness goes 503 then 200, what was published meanwhile is dropped
 * and counted, and delivery resumes on every active stream (also one subscribed
 * during the outage). Graceful shutdown unsubscribes after the sessions got `server_restart`.
 */
import type { Redis } from 'ioredis';
import { describeWith } from '../support/describe-with.js';
import { pubsubIdentifier, RawClient } from '../support/raw-client.js';
import { NATS_SERVER_BINARY, REDIS, REDIS_SERVER_BINARY, TEST_REDIS_URL } from '../support/requirements.js';
import { eventually, OwnServer, postTo, redisClient, sparePort, startNode, subscriberCount, unique, untilHeard, type CableNode } from '../support/scale.js';

const heard = (client: RawClient, stream: string) => client.frames.some((f) => f.identifier === pubsubIdentifier(stream) && 'message' in f);
const lines = (node: CableNode, text: string) => node.output().split('\n').filter((line) => line.includes(text)).length;

interface OutageCase {
  readonly engine: 'redis' | 'nats';
  readonly server: () => Promise<OwnServer>;
  readonly flags: (port: number) => string[];
}

const CASES: OutageCase[] = [
  { engine: 'redis', server: OwnServer.redis, flags: (port) => ['--broadcast_adapter', 'http,redis', '--redis_url', `redis://127.0.0.1:${port}`, '--pubsub', 'redis'] },
  { engine: 'nats', server: OwnServer.nats, flags: (port) => ['--broadcast_adapter', 'http,nats', '--nats_servers', `nats://127.0.0.1:${port}`, '--pubsub', 'nats'] },
];

for (const outage of CASES) {
  (await describeWith(outage.engine === 'redis' ? REDIS_SERVER_BINARY : NATS_SERVER_BINARY))(`${outage.engine} outage mid-run`, () => {
    let server: OwnServer;
    let nodes: CableNode[];
    beforeAll(async () => {
      server = await outage.server();
      await server.start();
      const flags = outage.flags(server.port);
      nodes = await Promise.all([startNode(flags), startNode(flags)]);
    }, 30_000);
    afterAll(async () => {
      await Promise.all(nodes.map((node) => node.stop()));
      await server.stop();
    });

    it('keeps serving, goes not-ready and back, counts the drops, and resumes delivery on every active stream', async () => {
      const [a, b] = nodes;
      const [s1, s2, s3] = [unique('s1'), unique('s2'), unique('s3')];
      const client = await RawClient.welcomed(a.wsUrl);
      await client.subscribe(pubsubIdentifier(s1));
      await client.subscribe(pubsubIdentifier(s2));
      for (const stream of [s1, s2]) await untilHeard(() => postTo(b, { stream, data: '"before"' }), () => heard(client, stream));
      expect((await a.readiness()).status).toBe(200);

      await server.stop();
      for (const node of nodes) await eventually(async () => (await node.readiness()).status === 503 || undefined, 10_000, 'not ready');
      const down = (await a.readiness()).body;
      expect(down.status).toBe('not_ready');
      expect(down.edges.filter((edge) => edge.state === 'down').map((edge) => edge.name).sort()).toEqual([`broadcaster:${outage.engine}`, `pubsub:${outage.engine}`]);
      expect((await fetch(a.httpUrl('/health'))).status).toBe(200);
      const during = await RawClient.welcomed(a.wsUrl);
      expect(await during.subscribe(pubsubIdentifier(s3))).toMatchObject({ type: 'confirm_subscription' });
      const publisherDown = async () => (await b.readiness()).body.edges.some((e) => e.name === `pubsub:${outage.engine}` && e.state === 'down' && (outage.engine === 'nats' || e.detail?.includes('publisher')));
      await eventually(publisherDown, 5000, 'the publishing connection down');
      for (let n = 0; n < 5; n++) expect(await postTo(b, { stream: s1, data: JSON.stringify({ lost: n }) })).toBe(201);
      expect((await b.readiness()).body.counters[`dropped_publications_total:pubsub:${outage.engine}`]).toBe(5);

      await server.start();
      for (const node of nodes) await eventually(async () => (await node.readiness()).status === 200 || undefined, 20_000, 'ready again');
      for (const stream of [s1, s2]) await untilHeard(() => postTo(b, { stream, data: '"after"' }), () => client.frames.some((f) => f.identifier === pubsubIdentifier(stream) && f.message === 'after'));
      await untilHeard(() => postTo(b, { stream: s3, data: '"after"' }), () => heard(during, s3));
      expect(client.frames.filter((f) => (f.message as { lost?: number })?.lost !== undefined)).toEqual([]);
      for (const node of nodes) {
        expect(lines(node, `pubsub:${outage.engine}`) > 0).toBe(true);
        expect(lines(node, `broadcaster:${outage.engine} connection lost`)).toBe(1);
        expect(lines(node, `broadcaster:${outage.engine} reconnected`)).toBe(1);
      }
      client.close();
      during.close();
    }, 60_000);
  });
}

(await describeWith(REDIS))('graceful shutdown with Redis edges', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = redisClient();
  });
  afterAll(() => redis.disconnect());

  it('sends server_restart to every session first, then unsubscribes and closes the Redis connections', async () => {
    const [channel, commands, stream] = [unique('cc-bc'), unique('cc-int'), unique('bye')];
    const node = await startNode(['--broadcast_adapter', 'http,redis', '--redis_url', TEST_REDIS_URL, '--redis_channel', channel, '--pubsub', 'redis', '--redis_pubsub_channel', commands]);
    const client = await RawClient.welcomed(node.wsUrl);
    await client.subscribe(pubsubIdentifier(stream));
    await untilHeard(() => postTo(node, { stream, data: '"hi"' }), () => heard(client, stream));
    for (const name of [channel, commands, stream]) expect(await subscriberCount(redis, name)).toBe(1);
    expect(await node.stop()).toBe('0');
    expect(client.nonPing().at(-1)).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
    for (const name of [channel, commands, stream]) expect(await subscriberCount(redis, name)).toBe(0);
    const out = node.output();
    expect(out.indexOf('shutting down: disconnecting sessions')).toBeGreaterThan(-1);
    expect(out.indexOf('broadcast edges stopped')).toBeGreaterThan(out.indexOf('shutting down: disconnecting sessions'));
  }, 30_000);
});

(await describeWith(NATS_SERVER_BINARY))('graceful shutdown with NATS edges', () => {
  it('sends server_restart first, then drains: no cablecar connection or subscription is left on the server', async () => {
    const monitorPort = await sparePort();
    const server = await OwnServer.custom('nats-server', (port) => ['-a', '127.0.0.1', '-p', String(port), '-m', String(monitorPort)]);
    await server.start();
    const connz = async () => (await (await fetch(`http://127.0.0.1:${monitorPort}/connz?subs=1`)).json()) as { connections?: { name?: string; subscriptions_list?: string[] }[] };
    const stream = unique('bye');
    const node = await startNode(['--broadcast_adapter', 'http,nats', '--nats_servers', `nats://127.0.0.1:${server.port}`, '--pubsub', 'nats']);
    try {
      const client = await RawClient.welcomed(node.wsUrl);
      await client.subscribe(pubsubIdentifier(stream));
      await untilHeard(() => postTo(node, { stream, data: '"hi"' }), () => heard(client, stream));
      const before = (await connz()).connections ?? [];
      expect(before.map((c) => c.name).sort()).toEqual(['cablecar-broadcast-nats', 'cablecar-pubsub']);
      expect(before.find((c) => c.name === 'cablecar-pubsub')?.subscriptions_list).toContain(stream);
      expect(await node.stop()).toBe('0');
      expect(client.nonPing().at(-1)).toEqual({ type: 'disconnect', reason: 'server_restart', reconnect: true });
      expect((await connz()).connections ?? []).toEqual([]);
    } finally {
      await node.stop();
      await server.stop();
    }
  }, 30_000);
});
