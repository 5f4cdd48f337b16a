/**
 * Metrics end to end: real clients, a real Rails app behind gRPC RPC, HTTP
 * broadcasts, then `GET /metrics` scraped over HTTP and read as Prometheus
 * text; the dashboard's stats endpoint shows the same RPC numbers; the metrics
 * server of its own (`metrics_port`); off by default; the `metrics_log` line.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SessionRegistry } from '../../src/hub/session-registry.js';
import { startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient, waitFor } from '../support/raw-client.js';
import { tempDirMaker } from '../support/temp-dirs.js';
import { broadcast, grpcRails, identifierOf, perform, railsClient, startRpcApp, type RailsServer } from '../support/rpc-e2e.js';

/** One sample of a scrape: metric name, labels, value. */
interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** A parsed scrape; `value(name, labels)` sums the samples matching every given label (0 when none). */
class Scrape {
  constructor(
    readonly samples: readonly Sample[],
    readonly contentType: string,
  ) {}

  has(name: string): boolean {
    return this.samples.some((sample) => sample.name === name);
  }

  value(name: string, labels: Record<string, string> = {}): number {
    return this.samples
      .filter((sample) => sample.name === name && Object.entries(labels).every(([k, v]) => sample.labels[k] === v))
      .reduce((sum, sample) => sum + sample.value, 0);
  }
}

function parseExposition(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`scrape ${url}: HTTP ${res.status}`);
  return new Scrape(parseExposition(await res.text()), res.headers.get('content-type') ?? '');
}

/** Poll `check` (async) until it returns a value, at most `timeoutMs`. */
async function until<T>(check: () => Promise<T | undefined>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A TCP port nobody listens on right now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const bytes = (texts: readonly string[]) => texts.reduce((sum, text) => sum + Buffer.byteLength(text), 0);
const CHAT = (room: string) => identifierOf('ChatChannel', { room });
const DASHBOARD_KEY = 'metrics-e2e-dashboard';
const MAIN = join(process.cwd(), 'dist/main.js');
const tempDir = tempDirMaker('cablecar-metrics-');

describe('Prometheus metrics on the main server (RPC over gRPC)', () => {
  let rails: RailsServer;
  let app: TestApp;
  const metricsUrl = () => app.httpUrl('/metrics');

  beforeAll(async () => {
    rails = await grpcRails();
    app = await startRpcApp(rails, [
      '--metrics_http', '/metrics',
      '--metrics_tags', 'env:test,region:eu1',
      '--max_subscriptions', '1',
      '--ping_interval', '0',
      '--rpc_concurrency', '5',
      '--rpc_request_timeout', '300',
      '--dashboard', '--dashboard_key', DASHBOARD_KEY,
    ]);
  });
  afterAll(async () => {
    await app.close();
    await rails.stop();
  });

  it('moves every counter by what the traffic did, with the tags as labels on every series', async () => {
    const before = await scrape(metricsUrl());
    expect(before.contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    const ann = await railsClient(app, { cookie: 'user=ann' });
    await ann.subscribe(CHAT('1'));
    const bogus = JSON.stringify({ command: 'dance', identifier: CHAT('1') });
    ann.ws.send(bogus);
    // over max_subscriptions = 1: rejected without an RPC call; its reject frame is the sentinel for the bogus frame
    const second = JSON.stringify({ command: 'subscribe', identifier: CHAT('2') });
    ann.ws.send(second);
    await ann.next((f) => f.type === 'reject_subscription');
    await broadcast(app, 'chat_1', '"hello"');
    await ann.next((f) => f.message === 'hello');

    const anonymous = await RawClient.connect(app.wsUrl());
    await anonymous.closed();
    await waitFor(() => app.app.get(SessionRegistry).size === 1 || undefined, 3000, 'the anonymous session to be gone');

    const after = await scrape(metricsUrl());
    const delta = (name: string, labels: Record<string, string> = {}) => after.value(name, labels) - before.value(name, labels);
    const subscribeFrame = JSON.stringify({ command: 'subscribe', identifier: CHAT('1') });
    expect({
      rpcCalls: delta('anycable_go_rpc_call_total'),
      rpcErrors: delta('anycable_go_rpc_error_total'),
      failedAuths: delta('anycable_go_failed_auths_total'),
      clientMessages: delta('anycable_go_client_msg_total'),
      failedClientMessages: delta('anycable_go_failed_client_msg_total'),
      bytesReceived: delta('anycable_go_data_rcvd_total'),
      serverMessages: delta('anycable_go_server_msg_total'),
      bytesSent: delta('anycable_go_data_sent_total'),
      broadcasts: delta('anycable_go_broadcast_msg_total'),
      deliveries: delta('cablecar_deliveries_total'),
      limitHits: delta('cablecar_limit_hits_total', { limit: 'max_subscriptions' }),
      unauthorized: delta('cablecar_disconnects_total', { reason: 'unauthorized' }),
    }).toEqual({
      rpcCalls: 3, // Connect ann, Command subscribe, Connect anonymous (refused by Rails: a FAILURE, not an error)
      rpcErrors: 0,
      failedAuths: 1,
      clientMessages: 3,
      failedClientMessages: 1,
      bytesReceived: bytes([subscribeFrame, bogus, second]),
      serverMessages: ann.texts.length + anonymous.texts.length,
      bytesSent: bytes([...ann.texts, ...anonymous.texts]),
      broadcasts: 1,
      deliveries: 1,
      limitHits: 1,
      unauthorized: 1,
    });
    expect({
      clients: after.value('anycable_go_clients_num'),
      unique: after.value('anycable_go_clients_uniq_num'),
      streams: after.value('anycable_go_broadcast_streams_num'),
      capacity: after.value('anycable_go_rpc_capacity_num'),
      pending: after.value('anycable_go_rpc_pending_num'),
      queue: after.value('anycable_go_disconnect_queue_size'),
      chatSubscriptions: after.value('cablecar_subscriptions', { channel: 'ChatChannel' }),
    }).toEqual({ clients: 1, unique: 1, streams: 1, capacity: 5, pending: 0, queue: 0, chatSubscriptions: 1 });
    expect(after.value('anycable_go_mem_sys_bytes')).toBeGreaterThan(1024 * 1024);
    expect(after.has('process_cpu_user_seconds_total') && after.has('nodejs_heap_size_used_bytes')).toBe(true);
    // every series carries the default labels, process metrics included
    expect(after.samples.filter((s) => s.labels.env !== 'test' || s.labels.region !== 'eu1').map((s) => s.name)).toEqual([]);
    ann.close();
    // ann's Disconnect call is made before the next test counts calls
    await waitFor(() => (rails.app.count('disconnect') === 1 && rails.app.inFlight === 0) || undefined, 3000, "ann's Disconnect call");
  });

  it('counts retries, timeouts and cancellations, and the dashboard shows the same RPC calls', async () => {
    const before = await scrape(metricsUrl());
    const delta = (after: Scrape, name: string) => after.value(name) - before.value(name);
    const bob = await railsClient(app, { cookie: 'user=bob' });
    await bob.subscribe(CHAT('7'));

    // two RESOURCE_EXHAUSTED answers, then success: one call, two retries
    rails.app.failNext(2, { grpcCode: 8, httpStatus: 429, message: 'pool exhausted' });
    perform(bob, CHAT('7'), 'speak', { text: 'retried' });
    await bob.next((f) => (f.message as { text?: string } | undefined)?.text === 'retried');

    // slower than rpc_request_timeout (300 ms): DEADLINE_EXCEEDED, not retried; the next command is its sentinel
    rails.app.delayMs = 1000;
    perform(bob, CHAT('7'), 'speak', { text: 'too late' });
    await waitFor(() => rails.app.inFlight === 1 || undefined, 3000, 'the slow call to reach Rails');
    rails.app.delayMs = 0;
    perform(bob, CHAT('7'), 'speak', { text: 'after timeout' });
    await bob.next((f) => (f.message as { text?: string } | undefined)?.text === 'after timeout');
    expect(bob.frames.some((f) => (f.message as { text?: string } | undefined)?.text === 'too late')).toBe(false);

    const afterTimeout = await scrape(metricsUrl());
    expect({
      calls: delta(afterTimeout, 'anycable_go_rpc_call_total'),
      retries: delta(afterTimeout, 'anycable_go_rpc_retries_total'),
      timeouts: delta(afterTimeout, 'anycable_go_rpc_timeout_total'),
      errors: delta(afterTimeout, 'anycable_go_rpc_error_total'),
    }).toEqual({ calls: 5, retries: 2, timeouts: 1, errors: 1 });

    const stats = await fetch(app.httpUrl('/_dashboard/stats'), { headers: { Authorization: `Bearer ${DASHBOARD_KEY}` } });
    const dashboard = (await stats.json()) as { rpc: { calls: number; errors: number } };
    expect(dashboard.rpc).toEqual({ calls: afterTimeout.value('anycable_go_rpc_call_total'), errors: afterTimeout.value('anycable_go_rpc_error_total') });
    expect(dashboard.rpc.calls).toBeGreaterThanOrEqual(8);

    // a call in flight when its session closes is cancelled
    rails.app.delayMs = 1000;
    perform(bob, CHAT('7'), 'speak', { text: 'never' });
    await waitFor(() => rails.app.inFlight >= 1 || undefined, 3000, 'the call to reach Rails');
    rails.app.delayMs = 0; // bob's Disconnect call, queued at close, answers at once
    bob.close();
    const canceled = await until(async () => {
      const now = await scrape(metricsUrl());
      return delta(now, 'anycable_go_rpc_canceled_total') === 1 ? now : undefined;
    }, 5000, 'the cancelled call to be counted');
    expect(delta(canceled, 'anycable_go_rpc_error_total')).toBe(1);
  });
});

describe('metrics settings', () => {
  it('serve nothing by default: /metrics is a 404', async () => {
    const app = await startApp(['--public']);
    try {
      expect((await fetch(app.httpUrl('/metrics'))).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('serve metrics on their own server at metrics_port, not on the main one', async () => {
    const port = await freePort();
    const app = await startApp(['--public', '--metrics_http', '/prom', '--metrics_port', String(port)]);
    try {
      expect((await fetch(app.httpUrl('/prom'))).status).toBe(404);
      const client = await RawClient.welcomed(app.wsUrl());
      await client.subscribe(pubsubIdentifier('own-server'));
      const own = await scrape(`http://127.0.0.1:${port}/prom`);
      expect([own.value('anycable_go_clients_num'), own.value('anycable_go_broadcast_streams_num')]).toEqual([1, 1]);
      expect((await fetch(`http://127.0.0.1:${port}/elsewhere`)).status).toBe(404);
      client.close();
    } finally {
      await app.close();
    }
    // closed with the app
    await expect(fetch(`http://127.0.0.1:${port}/prom`)).rejects.toThrow();
  });

  it('metrics_log writes one line per interval: counters as the change over it, gauges as they are, only the filtered names', async () => {
    const app = await startApp(['--public', '--metrics_log', '--metrics_rotate_interval', '1', '--metrics_log_filter', 'clients_num,client_msg_total']);
    try {
      const lines = () => app.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.context === 'metrics');
      expect(lines()[0]).toMatchObject({ msg: 'log metrics', interval: 1, fields: 'clients_num,client_msg_total' });
      const client = await RawClient.welcomed(app.wsUrl());
      client.send({ command: 'subscribe', identifier: pubsubIdentifier('logged') });
      client.send({ command: 'subscribe', identifier: pubsubIdentifier('logged-2') });
      await client.next((f) => f.type === 'confirm_subscription' && f.identifier === pubsubIdentifier('logged-2'));
      const counted = await waitFor(() => lines().find((line) => line.client_msg_total === 2), 4000, 'a metrics line counting the two frames');
      expect(Object.keys(counted).filter((key) => !['time', 'level', 'msg', 'context'].includes(key)).sort()).toEqual(['client_msg_total', 'clients_num']);
      expect(counted).toMatchObject({ level: 'info', clients_num: 1 });
      // the next interval starts from zero again
      const index = lines().findIndex((line) => line.time === counted.time && line.client_msg_total === 2);
      const next = await waitFor(() => lines()[index + 1], 3000, 'the following metrics line');
      expect(next).toMatchObject({ client_msg_total: 0, clients_num: 1 });
      client.close();
    } finally {
      await app.close();
    }
  });

  it('refuse bad metrics options with clear problems and exit code 2, and a TOML [metrics] table is read as anycable-go writes it', () => {
    const bad = spawnSync(process.execPath, [MAIN, '--ignore-config-path', '--metrics_http', 'metrics', '--metrics_tags', 'env', '--metrics_port', '70000'], { env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 15000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/CABLE_ERR_CONFIG_INVALID/);
    for (const problem of [/metrics_http must be empty or \//, /metrics_tags: "env" is not key:value/, /metrics_port/]) expect(bad.stderr).toMatch(problem);
    const cwd = tempDir();
    writeFileSync(join(cwd, 'anycable.toml'), '[metrics]\nhttp_path = "/prom"\nport = 9191\nlog = true\nrotate_interval = 5\nlog_filter = ["clients_num"]\ntags.env = "prod"\ntags.dc = "eu"\n');
    const printed = spawnSync(process.execPath, [MAIN, '--print-config'], { cwd, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8', timeout: 15000 });
    expect(printed.status).toBe(0);
    for (const line of ['metrics.http_path = "/prom"', 'metrics.port = 9191', 'metrics.tags = ["env:prod","dc:eu"]', 'metrics.log = true', 'metrics.rotate_interval = 5', 'metrics.log_filter = ["clients_num"]']) {
      expect(printed.stdout).toContain(line);
    }
  });
});
