/**
 * Scale-out bench: fan-out latency with broadcasts entering through Redis and
 * through NATS, 5,000 subscribers spread over two cablecar nodes, beside the
 * single-node HTTP figure in the same run; and the latency the node-to-node
 * pub/sub hop adds (HTTP POST -> Redis / NATS -> the same node) per engine.
 *
 *   npm run bench:scale                       # builds, then ~2-3 min; writes bench/results/scale.md
 *   node bench/scale.js --quick               # 1,000 subscribers, fewer broadcasts (~40 s)
 *
 * Needs Redis on 127.0.0.1:6379 and NATS on 127.0.0.1:4222 (REDIS_URL / NATS_URL
 * override); every channel and subject carries a random suffix, so parallel runs
 * do not see each other. Rounds alternate between scenarios, so a noisy moment
 * hits all of them; everything targets 127.0.0.1 and stops at --deadline-s.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadPool } from './lib/load-pool.js';
import { killAll, runTool, startServer } from './lib/processes.js';
import { fmt, quantile } from './lib/stats.js';
import { pubsubIdentifier } from './lib/tokens.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quick = process.argv.includes('--quick');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const OPTS = {
  subscribers: arg('subscribers', quick ? 1000 : 5000),
  broadcasts: arg('broadcasts', quick ? 10 : 30),
  rounds: arg('rounds', quick ? 2 : 4),
  hopSubscribers: arg('hop-subscribers', 100),
  hopBroadcasts: arg('hop-broadcasts', quick ? 50 : 150),
  gapMs: arg('gap-ms', 20),
  deadlineMs: arg('deadline-s', quick ? 120 : 420) * 1000,
};
const suffix = randomBytes(4).toString('hex');

/** A cablecar node with `flags` on top of the bench defaults. */
function node(name, flags) {
  const args = ['--public', '--host', '127.0.0.1', '--port', '0', '--ping_interval', '0', '--log_level', 'info', '--ignore-config-path', ...flags];
  return startServer({ name, script: join(ROOT, 'dist', 'main.js'), args, cwd: ROOT });
}

/** One scenario: its nodes, its load worker, how broadcasts enter, and the latencies gathered. */
async function scenario({ name, nodes, via, subscribers, stream }) {
  const servers = await Promise.all(nodes.map((flags, i) => node(`${name}-${i}`, flags)));
  const load = new LoadPool(join(BENCH, 'load.js'), 1);
  const per = Math.ceil(subscribers / servers.length);
  for (const server of servers) await load.open({ url: server.wsUrl, n: per, concurrency: 100 });
  await load.subscribe({ identifiers: [pubsubIdentifier(stream)], concurrency: 100 });
  // why warm-up: the first broadcasts also pay for the pub/sub subscription settling and JIT.
  await load.latency({ server: servers[0], stream, kind: 'json', count: 5, gapMs: OPTS.gapMs, via });
  return { name, servers, load, via, stream, latencies: [], timeouts: 0 };
}

async function measure(s, count) {
  const r = await s.load.latency({ server: s.servers[0], stream: s.stream, kind: 'json', count, gapMs: OPTS.gapMs, via: s.via });
  // why a loop: a spread of 150,000 values overflows the call stack.
  for (const value of r.latencies) s.latencies.push(value);
  s.timeouts += r.timeouts;
}

async function stopAll(list) {
  for (const s of list) {
    await s.load.closeAll();
    await s.load.stop();
    await Promise.all(s.servers.map((server) => server.stop()));
  }
}

function row(s, base) {
  const p50 = quantile(s.latencies, 0.5);
  const p99 = quantile(s.latencies, 0.99);
  const ratio = base ? `${fmt(p50 / quantile(base.latencies, 0.5))}x / ${fmt(p99 / quantile(base.latencies, 0.99))}x` : '1x / 1x';
  return `| ${s.name} | ${s.servers.length} | ${fmt(p50)} / ${fmt(p99)} ms | ${ratio} | ${s.latencies.length} | ${s.timeouts} |`;
}

async function main() {
  setTimeout(() => {
    console.error(`deadline of ${OPTS.deadlineMs / 1000} s reached; stopping`);
    killAll();
    process.exit(2);
  }, OPTS.deadlineMs).unref();
  const load0 = loadavg()[0];
  const fanout = [
    { name: 'HTTP, one node', nodes: [['--broadcast_adapter', 'http']], via: undefined },
    {
      name: 'Redis (`redis` broadcaster), two nodes',
      nodes: [0, 1].map(() => ['--broadcast_adapter', 'redis', '--redis_url', REDIS_URL, '--redis_channel', `bench-${suffix}`, '--pubsub', 'none']),
      via: { engine: 'redis', url: REDIS_URL, channel: `bench-${suffix}` },
    },
    {
      name: 'NATS (`nats` broadcaster), two nodes',
      nodes: [0, 1].map(() => ['--broadcast_adapter', 'nats', '--nats_servers', NATS_URL, '--nats_channel', `bench-${suffix}`, '--pubsub', 'none']),
      via: { engine: 'nats', url: NATS_URL, channel: `bench-${suffix}` },
    },
  ];
  const results = [];
  for (const spec of fanout) results.push(await scenario({ ...spec, subscribers: OPTS.subscribers, stream: `bench-fanout-${suffix}` }));
  for (let round = 0; round < OPTS.rounds; round++) {
    const order = round % 2 === 0 ? results : [...results].reverse();
    for (const s of order) await measure(s, OPTS.broadcasts);
  }
  await stopAll(results);

  const hop = [
    { name: 'HTTP, local pub/sub (no hop)', nodes: [['--broadcast_adapter', 'http', '--pubsub', 'none']] },
    { name: 'HTTP -> Redis pub/sub -> node', nodes: [['--broadcast_adapter', 'http', '--pubsub', 'redis', '--redis_url', REDIS_URL, '--redis_pubsub_channel', `bench-int-${suffix}`]] },
    { name: 'HTTP -> NATS pub/sub -> node', nodes: [['--broadcast_adapter', 'http', '--pubsub', 'nats', '--nats_servers', NATS_URL, '--nats_pubsub_channel', `bench-int-${suffix}`]] },
  ];
  const hops = [];
  for (const spec of hop) hops.push(await scenario({ ...spec, subscribers: OPTS.hopSubscribers, stream: `bench-hop-${suffix}-${hops.length}` }));
  for (let round = 0; round < OPTS.rounds; round++) {
    const order = round % 2 === 0 ? hops : [...hops].reverse();
    for (const s of order) await measure(s, OPTS.hopBroadcasts);
  }
  await stopAll(hops);

  const [local] = hops;
  const added = (s, q) => quantile(s.latencies, q) - quantile(local.latencies, q);
  const lines = [
    `# Scale-out bench (${new Date().toISOString().slice(0, 10)}, ${quick ? 'quick' : 'full'} run)`,
    '',
    `${cpus().length} cores shared by the nodes, Redis, NATS and the load worker; 1-minute load average ${fmt(load0)} at start, ${fmt(loadavg()[0])} at end (other engineers' test runs share this CPU: read the ratios).`,
    '',
    `## Fan-out latency, ${OPTS.subscribers.toLocaleString('en-US')} subscribers on one stream`,
    '',
    `${OPTS.rounds} interleaved rounds x ${OPTS.broadcasts} broadcasts (after 5 warm-up), each sent once every subscriber got the previous one + ${OPTS.gapMs} ms. Latency: publish (POST, or PUBLISH on Redis / NATS as anycable-rb does) to a client's \`message\` event.`,
    '',
    '| Entry | nodes | p50 / p99 | vs HTTP one node (p50 / p99) | deliveries | timeouts |',
    '|---|---:|---:|---:|---:|---:|',
    ...results.map((s, i) => row(s, i === 0 ? undefined : results[0])),
    '',
    `## Added latency of the pub/sub hop, ${OPTS.hopSubscribers} subscribers on one node`,
    '',
    '| Path | p50 / p99 | added p50 / p99 |',
    '|---|---:|---:|',
    ...hops.map((s) => `| ${s.name} | ${fmt(quantile(s.latencies, 0.5))} / ${fmt(quantile(s.latencies, 0.99))} ms | ${s === local ? '-' : `${fmt(added(s, 0.5))} / ${fmt(added(s, 0.99))} ms`} |`),
    '',
  ];
  const text = lines.join('\n');
  console.log(text);
  const out = join(BENCH, 'results', quick ? 'scale-quick.md' : 'scale.md');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`written to ${out}`);
}

runTool(main);
