/**
 * Several cablecar processes behind one Rails app, over a real Redis and a real
 * NATS: a broadcast posted to one node reaches the clients of every node exactly
 * once; a node with no subscriber on a stream hears nothing for it; whispers,
 * `exclude_socket` and remote disconnects cross nodes; fan-out broadcasters
 * deliver on every node without re-publishing.
 */
import type { NatsConnection } from '@nats-io/transport-node';
import type { Redis } from 'ioredis';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { describeWith } from '../support/describe-with.js';
import { pubsubIdentifier, RawClient, waitFor, type Frame } from '../support/raw-client.js';
import type { Requirement } from '../support/describe-with.js';
import { NATS, REDIS, TEST_NATS_URL, TEST_REDIS_URL } from '../support/requirements.js';
import { natsClient, postTo, redisClient, subscriberCount, startNode, unique, untilHeard, type CableNode } from '../support/scale.js';

const SECRET = 'cluster-e2e-secret';

/** Counts the messages published on one channel / subject, as a monitoring subscriber sees them. */
interface Monitor {
  count(channel: string): number;
  watch(channel: string): Promise<void>;
  close(): Promise<void>;
}

interface Engine {
  readonly name: 'redis' | 'nats';
  readonly requirement: Requirement;
  /** Connection flags for the engine. */
  readonly connection: string[];
  monitor(): Promise<Monitor>;
}

async function redisMonitor(): Promise<Monitor> {
  const sub: Redis = redisClient();
  const counts = new Map<string, number>();
  sub.on('message', (channel: string) => counts.set(channel, (counts.get(channel) ?? 0) + 1));
  return { count: (c) => counts.get(c) ?? 0, watch: async (c) => void (await sub.subscribe(c)), close: async () => void sub.disconnect() };
}

async function natsMonitor(): Promise<Monitor> {
  const nc: NatsConnection = await natsClient();
  const counts = new Map<string, number>();
  return {
    count: (c) => counts.get(c) ?? 0,
    watch: async (c) => {
      nc.subscribe(c, {
        callback: () => {
          counts.set(c, (counts.get(c) ?? 0) + 1);
        },
      });
      await nc.flush();
    },
    close: () => nc.close(),
  };
}

const ENGINES: Engine[] = [
  { name: 'redis', requirement: REDIS, connection: ['--redis_url', TEST_REDIS_URL], monitor: redisMonitor },
  { name: 'nats', requirement: NATS, connection: ['--nats_servers', TEST_NATS_URL], monitor: natsMonitor },
];

const messages = (client: RawClient) => client.frames.filter((f) => 'message' in f).map((f) => f.message as Record<string, unknown>);
const received = (node: CableNode, engine: Engine) => node.readiness().then((r) => r.body.counters[`pubsub_received_total:pubsub:${engine.name}`] ?? 0);

for (const engine of ENGINES) {
  (await describeWith(engine.requirement))(`three nodes, HTTP broadcasts, ${engine.name} pub/sub`, () => {
    const commands = unique('cc-int');
    let nodes: CableNode[];
    let monitor: Monitor;
    const clients: RawClient[] = [];
    const client = async (node: CableNode, stream: string, identifiers?: Record<string, unknown>) => {
      const url = identifiers ? `${node.wsUrl}?jid=${issueToken({ identifiers, key: SECRET })}` : node.wsUrl;
      const c = await RawClient.welcomed(url);
      await c.subscribe(pubsubIdentifier(stream));
      clients.push(c);
      return c;
    };
    /** Post markers to `via` until every client heard one: then every node listens on `stream`. */
    const settle = (via: CableNode, stream: string, listeners: RawClient[]) => {
      let n = 0;
      return untilHeard(() => postTo(via, { stream, data: JSON.stringify({ marker: ++n }) }), () => listeners.every((l) => messages(l).some((m) => 'marker' in m)));
    };

    /** A fresh stream with one client on A and one on C, both already hearing broadcasts posted to B. */
    const onAAndC = async (prefix: string) => {
      const [a, b, c] = nodes;
      const stream = unique(prefix);
      const pair = [await client(a, stream), await client(c, stream)] as const;
      await settle(b, stream, [...pair]);
      return { stream, onA: pair[0], onC: pair[1], b };
    };

    beforeAll(async () => {
      monitor = await engine.monitor();
      const flags = ['--broadcast_adapter', 'http', '--jwt_secret', SECRET, '--pubsub', engine.name, `--${engine.name}_pubsub_channel`, commands, ...engine.connection];
      nodes = await Promise.all([startNode(flags), startNode(flags), startNode(flags)]);
    }, 30_000);
    afterAll(async () => {
      clients.forEach((c) => c.close());
      await Promise.all(nodes.map((node) => node.stop()));
      await monitor.close();
    });

    it('delivers a broadcast posted to B to the clients on A and C exactly once, and B, with no subscriber, hears nothing', async () => {
      const a = nodes[0];
      const { stream, onA, onC, b } = await onAAndC('orders');
      await monitor.watch(stream);
      if (engine.name === 'redis') {
        const redis = redisClient();
        expect(await subscriberCount(redis, stream)).toBe(3); // A, C and the monitor; not B
        redis.disconnect();
      }
      for (let n = 1; n <= 10; n++) expect(await postTo(b, { stream, data: JSON.stringify({ n }) })).toBe(201);
      expect(await postTo(b, Array.from({ length: 10 }, (_, k) => ({ stream, data: JSON.stringify({ n: 11 + k }) })))).toBe(201);
      expect(await postTo(b, { stream, data: JSON.stringify({ sentinel: true }) })).toBe(201);
      for (const listener of [onA, onC]) {
        const before = await listener.framesBefore((f: Frame) => (f.message as { sentinel?: boolean })?.sentinel === true, 10_000);
        expect(before.map((f) => (f.message as { n?: number }).n).filter((n) => n !== undefined)).toEqual(Array.from({ length: 20 }, (_, k) => k + 1));
      }
      await waitFor(() => monitor.count(stream) === 21 || undefined, 5000, '21 messages on the wire');
      expect(monitor.count(stream)).toBe(21); // one message per publication, not one per node
      expect(await received(b, engine)).toBe(0);
      expect(await received(a, engine)).toBeGreaterThanOrEqual(21);
    });

    it('carries a whisper sent on A to the listener on C, not back to its sender', async () => {
      const { stream, onA: sender, onC: listener, b } = await onAAndC('typing');
      sender.send({ command: 'whisper', identifier: pubsubIdentifier(stream), data: { typing: 'ann' } });
      await waitFor(() => messages(listener).some((m) => m.typing === 'ann'), 5000, 'whisper on C');
      expect(await postTo(b, { stream, data: '"after"' })).toBe(201);
      const before = await sender.framesBefore((f) => f.message === 'after', 5000);
      expect(before.filter((f) => (f.message as { typing?: string }).typing)).toEqual([]);
    });

    it('honours exclude_socket for a session on another node', async () => {
      const { stream, onA: author, onC: reader, b } = await onAAndC('edits');
      expect(await postTo(b, { stream, data: '"not for the author"', meta: { exclude_socket: author.sid } })).toBe(201);
      expect(await postTo(b, { stream, data: '"for all"' })).toBe(201);
      expect((await author.framesBefore((f) => f.message === 'for all', 5000)).filter((f) => 'message' in f && !('marker' in (f.message as object)))).toEqual([]);
      expect((await reader.framesBefore((f) => f.message === 'for all', 5000)).map((f) => f.message)).toContain('not for the author');
    });

    it('closes the session on C when a remote disconnect is posted to A', async () => {
      const [a, , c] = nodes;
      const user = unique('user');
      const target = await client(c, unique('inbox'), { user });
      const bystander = await client(c, unique('inbox'), { user: unique('other') });
      const command = { command: 'disconnect', payload: { identifier: JSON.stringify({ user }), reconnect: false } };
      await untilHeard(() => postTo(a, command), () => target.closeCode !== undefined);
      expect(target.nonPing().at(-1)).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
      expect(bystander.closeCode).toBeUndefined();
    });
  });

  (await describeWith(engine.requirement))(`two nodes, ${engine.name} fan-out broadcaster`, () => {
    const channel = unique('cc-fanout');
    let nodes: CableNode[];
    let monitor: Monitor;
    let publisher: { publish(channel: string, body: string): Promise<unknown>; close(): Promise<unknown> };

    beforeAll(async () => {
      monitor = await engine.monitor();
      if (engine.name === 'redis') {
        const redis = redisClient();
        publisher = { publish: (ch, body) => redis.publish(ch, body), close: async () => redis.disconnect() };
      } else {
        const nc = await natsClient();
        publisher = { publish: async (ch, body) => nc.publish(ch, body), close: () => nc.close() };
      }
      const flags = ['--broadcast_adapter', engine.name, `--${engine.name}_channel`, channel, '--pubsub', engine.name, `--${engine.name}_pubsub_channel`, unique('cc-int'), ...engine.connection];
      nodes = await Promise.all([startNode(flags), startNode(flags)]);
    }, 30_000);
    afterAll(async () => {
      await Promise.all(nodes.map((node) => node.stop()));
      await monitor.close();
      await publisher.close();
    });

    it('delivers one publication on every node exactly once, re-publishing nothing on the stream channel', async () => {
      const stream = unique('feed');
      const listeners = await Promise.all(nodes.map(async (node) => {
        const c = await RawClient.welcomed(node.wsUrl);
        await c.subscribe(pubsubIdentifier(stream));
        return c;
      }));
      let n = 0;
      await untilHeard(() => publisher.publish(channel, JSON.stringify({ stream, data: JSON.stringify({ marker: ++n }) })), () => listeners.every((l) => messages(l).length > 0));
      await monitor.watch(stream);
      for (let k = 1; k <= 10; k++) await publisher.publish(channel, JSON.stringify({ stream, data: JSON.stringify({ n: k }) }));
      await publisher.publish(channel, JSON.stringify({ stream, data: '"sentinel"' }));
      for (const listener of listeners) {
        const before = await listener.framesBefore((f) => f.message === 'sentinel', 10_000);
        expect(before.map((f) => (f.message as { n?: number }).n).filter((v) => v !== undefined)).toEqual(Array.from({ length: 10 }, (_, k) => k + 1));
      }
      expect(monitor.count(stream)).toBe(0);
      listeners.forEach((l) => l.close());
    });
  });
}
