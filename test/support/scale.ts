/**
 * Helpers for the scale-out tests: unique names per run (the Redis and NATS are
 * shared with parallel test runs), cablecar nodes as real processes, a Redis or
 * NATS server of our own on a spare port, and monitoring clients that count
 * what crosses the wire.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import WebSocket from 'ws';
import ActionCable from '@rails/actioncable';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { binaryPath, TEST_NATS_URL, TEST_REDIS_URL } from './requirements.js';
import { waitFor } from './raw-client.js';

/** `prefix-<random>`: a channel, stream or subject no other test run uses. */
export const unique = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A cablecar node as its own process (`node dist/main.js`), public mode, text logs. */
export interface CableNode extends ServerProcess {
  readonly wsUrl: string;
  httpUrl(path: string): string;
  /** GET the readiness path: status and JSON body. */
  readiness(): Promise<{ status: number; body: ReadinessBody }>;
}

/** The readiness endpoint's JSON (src/health/readiness.ts). */
export interface ReadinessBody {
  status: string;
  edges: { name: string; state: string; detail?: string }[];
  counters: Record<string, number>;
}

/** Start a node with `flags` after the defaults (127.0.0.1, port 0, --public, no config file). */
export async function startNode(flags: string[], env: Record<string, string> = {}): Promise<CableNode> {
  const args = [join(process.cwd(), 'dist/main.js'), '--host', '127.0.0.1', '--port', '0', '--ignore-config-path', '--public', ...flags];
  const node = await startServerProcess(process.execPath, args, { cwd: process.cwd(), env: { PATH: process.env.PATH ?? '', ...env } });
  const base = `http://127.0.0.1:${node.port}`;
  return Object.assign(node, {
    wsUrl: `ws://127.0.0.1:${node.port}/cable`,
    httpUrl: (path: string) => base + path,
    readiness: async () => {
      const res = await fetch(`${base}/ready`);
      return { status: res.status, body: (await res.json()) as ReadinessBody };
    },
  });
}

/** POST a broadcast body to a node's HTTP broadcaster (public mode: no key). */
export async function postTo(node: Pick<CableNode, 'httpUrl'>, body: unknown): Promise<number> {
  const res = await fetch(node.httpUrl('/_broadcast'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  await res.text();
  return res.status;
}

/** A plain Redis client on the test Redis (or `url`), for publishing and watching. */
export function redisClient(url = TEST_REDIS_URL): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 200 });
  client.on('error', () => undefined);
  return client;
}

/** How many connections are subscribed to `channel` (PUBSUB NUMSUB). */
export async function subscriberCount(redis: Redis, channel: string): Promise<number> {
  const reply = (await redis.pubsub('NUMSUB', channel)) as [string, number];
  return Number(reply[1]);
}

/** A plain NATS client on the test NATS (or `servers`). */
export function natsClient(servers = TEST_NATS_URL): Promise<NatsConnection> {
  return connect({ servers, name: 'cablecar-test-monitor' });
}

/** A real `@rails/actioncable` consumer on one `$pubsub` stream, recording what it receives. */
export interface RailsSubscriber {
  readonly received: unknown[];
  connected(): boolean;
  perform(action: string, data: object): void;
  whisper(data: object): void;
  close(): void;
}

// @rails/actioncable's ConnectionMonitor listens to page visibility; Node has no window.
const g = globalThis as Record<string, unknown>;
g.addEventListener ??= () => undefined;
g.removeEventListener ??= () => undefined;

/** Connect a `@rails/actioncable` consumer to `wsUrl` and subscribe it to `stream`; resolves once confirmed. */
export async function railsSubscriber(wsUrl: string, stream: string): Promise<RailsSubscriber> {
  ActionCable.adapters.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
  const consumer = ActionCable.createConsumer(wsUrl);
  const received: unknown[] = [];
  let confirmed = false;
  const subscription = consumer.subscriptions.create({ channel: '$pubsub', stream_name: stream }, { connected: () => (confirmed = true), received: (data: unknown) => received.push(data) });
  await waitFor(() => confirmed, 5000, `@rails/actioncable subscribed to ${stream}`);
  return {
    received,
    connected: () => confirmed,
    perform: (action, data) => subscription.perform(action, data),
    whisper: (data) => subscription.send({ __whisper: data }),
    close: () => consumer.disconnect(),
  };
}

/**
 * Repeat `send` until `subscriber` has received something matching `isMarker`
 * (a node subscribes to Redis or NATS asynchronously after confirming the client,
 * as anycable-go does, so the first publish may come before it listens).
 */
export async function untilHeard(send: () => Promise<unknown> | unknown, heard: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!heard()) {
    if (Date.now() > deadline) throw new Error(`nothing heard after ${timeoutMs} ms`);
    await send();
    await waitFor(() => heard() || undefined, 200).catch(() => undefined);
  }
}

/** A Redis or NATS server of our own on a spare port, stopped and started again by the outage tests. */
export class OwnServer {
  private child?: ChildProcess;

  private constructor(
    private readonly command: string,
    private readonly args: string[],
    readonly port: number,
  ) {}

  /** `redis-server --port N --save ''` (no persistence), bound to 127.0.0.1. */
  static async redis(): Promise<OwnServer> {
    const port = await sparePort();
    return new OwnServer(binaryPath('redis-server')!, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], port);
  }

  /** `binary` with the arguments `argsFor(port)` builds for a spare port (TLS Redis, a Sentinel). */
  static async custom(binary: string, argsFor: (port: number) => string[]): Promise<OwnServer> {
    const port = await sparePort();
    return new OwnServer(binaryPath(binary)!, argsFor(port), port);
  }

  /** `nats-server -p N` bound to 127.0.0.1. */
  static async nats(): Promise<OwnServer> {
    const port = await sparePort();
    return new OwnServer(binaryPath('nats-server')!, ['-a', '127.0.0.1', '-p', String(port)], port);
  }

  /** Start it and wait until the port accepts connections. */
  async start(): Promise<void> {
    this.child = spawn(this.command, this.args, { stdio: 'ignore' });
    const deadline = Date.now() + 10_000;
    while (!(await portOpen(this.port))) {
      if (Date.now() > deadline) throw new Error(`${this.command} did not listen on ${this.port}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Stop it (SIGKILL: an outage, not a clean shutdown) and wait for the exit. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Like `waitFor`, for an asynchronous check (a readiness request, a Redis query): polls until it resolves truthy. */
export async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Wait until exactly `n` connections are subscribed to `channel` (a node's SUBSCRIBE is asynchronous). */
export function subscribersReach(redis: Redis, channel: string, n: number, timeoutMs = 5000): Promise<true> {
  return eventually(async () => (await subscriberCount(redis, channel)) === n || undefined, timeoutMs, `${n} subscribers on ${channel}`);
}
