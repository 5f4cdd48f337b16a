/**
 * RPC vs JWT inside cablecar, side by side in one run, against a gRPC "Rails"
 * (bench/lib/rpc-rails-server.js, its own process):
 *
 * - connect avalanche: N sockets logged in by cookie (RPC Connect) vs N with a
 *   `?jid=` token (JWT), rounds alternating on the same server process:
 *   connections/s to welcome, each socket's connect time p50 / p99, server CPU;
 * - subscribe throughput: N sockets x K subscriptions to a Rails channel
 *   (Command RPC under `rpc_concurrency`) beside K signed Turbo streams (local),
 *   plus the most calls Rails saw at once;
 * - memory per idle connection, RPC-authenticated vs JWT (fresh server each,
 *   forced GC through the inspector, as run.js measures it).
 *
 *   npm run bench:rpc                  # builds, then ~2-3 min; writes bench/results/rpc-latest.md
 *   node bench/rpc.js --quick          # ~40 s, writes bench/results/rpc-quick.md
 *   node bench/cpu-profile.js rpc-connect 2000   # where the time of an RPC connect goes
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InspectorSession } from './lib/inspector.js';
import { LoadPool } from './lib/load-pool.js';
import { loadAverage, machineInfo, requireAll, settledRss, sleep } from './lib/measure.js';
import { killAll, runTool, startServer } from './lib/processes.js';
import { fmt, median, quantile } from './lib/stats.js';
import { signJwt, turboIdentifier } from './lib/tokens.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const JWT_SECRET = 'bench-jwt-secret';
/** The JWT secret the RPC bench's cablecar accepts (cpu-profile.js signs with it). */
export const RPC_BENCH_JWT_SECRET = JWT_SECRET;
const TURBO_KEY = 'bench-turbo-key';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const opts = {
  conns: arg('conns', quick ? 300 : 2000),
  /** handshakes in flight at once: an avalanche, twice run.js's 100 */
  concurrency: arg('concurrency', 200),
  rounds: arg('rounds', quick ? 1 : 3),
  perClient: arg('per-client', 5),
  memConns: arg('mem-conns', quick ? 500 : 3000),
  rpcConcurrency: arg('rpc-concurrency', 28),
};
const out = join(BENCH, 'results', quick ? 'rpc-quick.md' : 'rpc-latest.md');

/** Start the gRPC "Rails"; returns {server, target, stats(), reset()}. */
export async function startRails() {
  const server = await startServer({ name: 'rails-rpc', script: join(BENCH, 'lib', 'rpc-rails-server.js'), args: [], cwd: ROOT });
  const statsPort = /stats=(\d+)/.exec(server.startupOutput)[1];
  const stats = async (method = 'GET') => (await fetch(`http://127.0.0.1:${statsPort}/${method === 'GET' ? 'stats' : 'reset'}`, { method })).json();
  return { server, target: `127.0.0.1:${server.port}`, stats: () => stats(), reset: () => stats('POST') };
}

/** cablecar with RPC to `rails` and JWT and Turbo on, as production would run it (no public mode). */
export function startCablecar(rails, nodeArgs = []) {
  const args = [
    '--host', '127.0.0.1', '--port', '0', '--ping_interval', '0', '--log_level', 'info', '--ignore-config-path',
    '--rpc_host', rails.target, '--rpc_concurrency', String(opts.rpcConcurrency),
    // why a high disconnect rate: the Disconnect calls of one round must be done before the next round starts (see drain)
    '--disconnect_rate', '100000',
    '--jwt_secret', JWT_SECRET, '--turbo_streams', '--turbo_streams_secret', TURBO_KEY,
  ];
  return startServer({ name: 'cablecar', script: process.env.CABLECAR_MAIN ?? join(ROOT, 'dist', 'main.js'), args, nodeArgs, cwd: ROOT });
}

/** How each kind of client logs in: RPC by cookie (a distinct user each), JWT by a distinct token each. */
function login(kind, server, round) {
  if (kind === 'rpc') return { url: server.wsUrl, cookieFor: (i) => `user=r${round}u${i}; _session=bench` };
  const tokens = Array.from({ length: opts.conns }, (_, i) => signJwt(JWT_SECRET, { user: `gid://bench/User/${round}-${i}` }));
  return { url: server.wsUrl, urlFor: (i) => `${server.wsUrl}?jid=${tokens[i]}` };
}

/** Close every socket; for RPC sockets, also wait (at most 30 s) until Rails got their Disconnect calls. */
async function closeAndDrain(load, rails, rpcSockets) {
  const expected = (await rails.stats()).calls.disconnect + rpcSockets;
  await load.closeAll();
  const deadline = Date.now() + 30_000;
  while ((await rails.stats()).calls.disconnect < expected && Date.now() < deadline) await sleep(100);
}

async function connectRounds(server, rails, load) {
  const samples = { rpc: [], jwt: [] };
  for (let round = 0; round < opts.rounds; round++) {
    for (const kind of round % 2 === 0 ? ['rpc', 'jwt'] : ['jwt', 'rpc']) {
      const cpu0 = server.cpuMs();
      const result = await load.open({ n: opts.conns, concurrency: opts.concurrency, ...login(kind, server, round) });
      const cpu = server.cpuMs() - cpu0;
      requireAll(result, `${kind} connections`);
      samples[kind].push({ rate: (opts.conns / result.ms) * 1000, cpuPerK: (cpu / opts.conns) * 1000, connectMs: result.connectMs });
      await closeAndDrain(load, rails, kind === 'rpc' ? opts.conns : 0);
      await sleep(300);
    }
  }
  const summary = (list) => {
    const all = Float64Array.from(list.flatMap((s) => Array.from(s.connectMs)));
    return { rate: median(list.map((s) => s.rate)), p50: quantile(all, 0.5), p99: quantile(all, 0.99), cpuPerK: median(list.map((s) => s.cpuPerK)) };
  };
  return { rpc: summary(samples.rpc), jwt: summary(samples.jwt) };
}

/** N cookie sockets x K `ChatChannel` rooms (RPC), and N JWT sockets x K Turbo streams (local). */
async function subscribeRounds(server, rails, load) {
  const total = opts.conns * opts.perClient;
  const rate = { rpc: [], turbo: [] };
  let maxInFlight = 0;
  for (let round = 0; round < opts.rounds; round++) {
    for (const kind of round % 2 === 0 ? ['rpc', 'turbo'] : ['turbo', 'rpc']) {
      requireAll(await load.open({ n: opts.conns, concurrency: opts.concurrency, ...login(kind === 'rpc' ? 'rpc' : 'jwt', server, `s${round}`) }), 'connections');
      const identifiers = Array.from({ length: total }, (_, i) =>
        kind === 'rpc' ? JSON.stringify({ channel: 'ChatChannel', room: `${round}-${i}` }) : turboIdentifier(TURBO_KEY, `bench:${round}:${i}`),
      );
      if (kind === 'rpc') await rails.reset();
      const result = await load.subscribe({ identifiers, perClient: opts.perClient, concurrency: opts.concurrency });
      requireAll(result, `${kind} subscriptions`);
      if (result.rejected) throw new Error(`${result.rejected} of ${total} ${kind} subscriptions rejected`);
      if (kind === 'rpc') maxInFlight = Math.max(maxInFlight, (await rails.stats()).maxInFlight);
      rate[kind].push((total / result.ms) * 1000);
      await closeAndDrain(load, rails, kind === 'rpc' ? opts.conns : 0);
      await sleep(300);
    }
  }
  return { rpc: median(rate.rpc), turbo: median(rate.turbo), maxInFlight };
}

/** RSS and JS heap per idle welcomed socket of one kind, in a fresh server, after forced GCs. */
async function idleMemory(rails, kind) {
  const server = await startCablecar(rails, ['--inspect=127.0.0.1:0']);
  const inspector = await InspectorSession.connect(server.inspectorUrl);
  const load = new LoadPool(join(BENCH, 'load.js'), 1);
  try {
    // Warm both paths (code, the gRPC channel, Node's buffer pools), so neither side's first use lands in the delta.
    for (const warmKind of ['rpc', 'jwt']) {
      requireAll(await load.open({ n: 200, concurrency: 50, ...login(warmKind, server, `warm-${warmKind}`) }), 'warm-up connections');
      await closeAndDrain(load, rails, warmKind === 'rpc' ? 200 : 0);
    }
    const sample = async () => {
      await inspector.collectGarbage();
      await sleep(300);
      return { rss: await settledRss(server, 5, 100), heap: await inspector.heapUsed() };
    };
    const before = await sample();
    const tokens = kind === 'jwt' ? Array.from({ length: opts.memConns }, (_, i) => signJwt(JWT_SECRET, { user: `gid://bench/User/m${i}` })) : [];
    const how = kind === 'rpc' ? { url: server.wsUrl, cookieFor: (i) => `user=m${i}; _session=bench` } : { url: server.wsUrl, urlFor: (i) => `${server.wsUrl}?jid=${tokens[i]}` };
    requireAll(await load.open({ n: opts.memConns, concurrency: opts.concurrency, ...how }), 'connections');
    await sleep(500);
    const after = await sample();
    return { rss: (after.rss - before.rss) / opts.memConns, heap: (after.heap - before.heap) / 1024 / opts.memConns };
  } finally {
    inspector.close();
    await load.closeAll();
    await load.stop();
    await server.stop();
  }
}

function report(results, seconds, loads) {
  const { connect, subscribe, memory } = results;
  const row = (scenario, metric, jwt, rpc, ratioText) => `| ${scenario} | ${metric} | ${fmt(jwt)} | ${fmt(rpc)} | ${ratioText} |`;
  return [
    '# cablecar: RPC (gRPC) vs JWT',
    '',
    `- Date: ${new Date().toISOString()}; run took ${seconds.toFixed(0)} s (${quick ? '--quick' : 'full'})`,
    `- Machine: ${machineInfo(ROOT)}; 1-minute load average ${loads.join(' -> ')} (shared with other engineers' runs: trust the ratios, not the absolute numbers)`,
    `- cablecar, a gRPC "Rails" (bench/lib/rpc-rails-server.js, its own process, answers on the next tick) and one load worker share the machine; rounds alternate RPC / JWT on one server process (${opts.rounds} rounds, median rate, percentiles over every socket)`,
    `- ${opts.conns} sockets per round, ${opts.concurrency} handshakes in flight; rpc_concurrency ${opts.rpcConcurrency}; Disconnect calls of a round drained before the next`,
    '',
    '| Scenario | Metric | JWT | RPC | |',
    '|---|---|---:|---:|---|',
    row(`Connect avalanche, ${opts.conns} sockets`, 'connections/s to welcome', connect.jwt.rate, connect.rpc.rate, `JWT ${fmt(connect.jwt.rate / connect.rpc.rate)}x faster`),
    row('', 'connect time p50 (ms)', connect.jwt.p50, connect.rpc.p50, `RPC ${fmt(connect.rpc.p50 / connect.jwt.p50)}x`),
    row('', 'connect time p99 (ms)', connect.jwt.p99, connect.rpc.p99, `RPC ${fmt(connect.rpc.p99 / connect.jwt.p99)}x`),
    row('', 'server CPU per 1k connections (ms)', connect.jwt.cpuPerK, connect.rpc.cpuPerK, `RPC ${fmt(connect.rpc.cpuPerK / connect.jwt.cpuPerK)}x`),
    row(`Subscribe, ${opts.conns} sockets x ${opts.perClient}`, 'subscriptions confirmed/s (JWT column: signed Turbo streams, local)', subscribe.turbo, subscribe.rpc, `local ${fmt(subscribe.turbo / subscribe.rpc)}x faster; Rails saw at most ${subscribe.maxInFlight} calls at once (limit ${opts.rpcConcurrency})`),
    row(`Idle memory, ${opts.memConns} sockets`, 'RSS per idle connection, after forced GC (KiB)', memory.jwt.rss, memory.rpc.rss, `RPC ${fmt(memory.rpc.rss / memory.jwt.rss)}x`),
    row('', 'JS heap per idle connection, after GC (KiB)', memory.jwt.heap, memory.rpc.heap, `RPC ${fmt(memory.rpc.heap / memory.jwt.heap)}x`),
    '',
  ].join('\n');
}

async function main() {
  const started = Date.now();
  const loads = [loadAverage()];
  const rails = await startRails();
  const server = await startCablecar(rails);
  const load = new LoadPool(join(BENCH, 'load.js'), 1);
  const results = {};
  try {
    for (const kind of ['rpc', 'jwt']) {
      requireAll(await load.open({ n: 100, concurrency: 50, ...login(kind, server, 'warm') }), 'warm-up connections');
      await closeAndDrain(load, rails, kind === 'rpc' ? 100 : 0);
    }
    console.log('connect avalanche ...');
    results.connect = await connectRounds(server, rails, load);
    console.log(JSON.stringify(results.connect));
    console.log('subscribe throughput ...');
    results.subscribe = await subscribeRounds(server, rails, load);
    console.log(JSON.stringify(results.subscribe));
  } finally {
    await load.closeAll();
    await load.stop();
    await server.stop();
  }
  console.log('idle memory ...');
  results.memory = { jwt: await idleMemory(rails, 'jwt'), rpc: await idleMemory(rails, 'rpc') };
  console.log(JSON.stringify(results.memory));
  await rails.server.stop();
  loads.push(loadAverage());
  const text = report(results, (Date.now() - started) / 1000, loads);
  console.log('\n' + text);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, text);
  console.log(`written to ${out}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  setTimeout(() => {
    console.error('! rpc bench exceeded its 600 s deadline; killing everything');
    killAll();
    process.exit(1);
  }, 600_000).unref();
  runTool(main);
}
