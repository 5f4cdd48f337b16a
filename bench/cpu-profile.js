/**
 * CPU profile of a server, taken through the inspector (`Profiler.start/stop`),
 * so it works for cablecar even though Nest re-raises SIGTERM (which would stop
 * `node --cpu-prof` from writing its file). Prints the top functions by self
 * time and writes a .cpuprofile (open it in Chrome DevTools) to bench/results/.
 *
 *   node bench/cpu-profile.js [cablecar|baseline] [subscribers=5000] [broadcasts=60]   # during fan-out
 *   node bench/cpu-profile.js rpc-connect [connections=2000]   # cablecar during an RPC (gRPC) connect avalanche
 *   node bench/cpu-profile.js jwt-connect [connections=2000]   # the same server, JWT connects, for comparison
 *   node bench/cpu-profile.js turbo-subscribe [connections=2000] [perClient=5]   # cablecar (or TURBO_SERVER=baseline) during signed Turbo subscribes
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InspectorSession } from './lib/inspector.js';
import { LoadPool } from './lib/load-pool.js';
import { runTool } from './lib/processes.js';
import { BENCH, startInspected } from './lib/inspected-server.js';
import { pubsubIdentifier, signJwt, turboIdentifier } from './lib/tokens.js';
import { RPC_BENCH_JWT_SECRET, startCablecar, startRails } from './rpc.js';

const which = process.argv[2] ?? 'cablecar';
const connectMode = which === 'rpc-connect' || which === 'jwt-connect';
const turboMode = which === 'turbo-subscribe';
const size = Number(process.argv[3] ?? (connectMode || turboMode ? 2000 : 5000));
const count = Number(process.argv[4] ?? (turboMode ? 5 : 60));
/** The Turbo key of run.js' turbo scenarios. */
const TURBO_KEY = 'bench-turbo-key';

/** Profile `work` on an inspected server; writes `<name>.cpuprofile` and prints the summary. */
async function profiled(inspector, name, work, unit) {
  await inspector.call('Profiler.enable');
  await inspector.call('Profiler.setSamplingInterval', { interval: 100 });
  await inspector.call('Profiler.start');
  await work();
  const { profile } = await inspector.call('Profiler.stop', {}, 60_000);
  const out = join(BENCH, 'results', `${name}.cpuprofile`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(profile));
  summarize(profile, out, unit);
}

async function fanoutProfile() {
  const { server, inspector, load } = await startInspected(which);
  try {
    await load.open({ url: server.wsUrl, n: size, concurrency: 100 });
    await load.subscribe({ identifiers: [pubsubIdentifier('bench')], concurrency: 100 });
    await load.latency({ server, stream: 'bench', kind: 'json', count: 5, gapMs: 20 });
    const work = () => load.latency({ server, stream: 'bench', kind: 'json', count, gapMs: 20 });
    await profiled(inspector, `${which}-fanout-${size}`, work, { count, what: `${size} subscribers, ${count} broadcasts`, per: 'broadcast' });
  } finally {
    inspector.close();
    await load.closeAll();
    await load.stop();
    await server.stop();
  }
}

/** cablecar (RPC to the bench's gRPC "Rails", JWT on) while `size` clients connect by cookie or by token. */
async function connectProfile() {
  const rails = await startRails();
  const server = await startCablecar(rails, ['--inspect=127.0.0.1:0']);
  const inspector = await InspectorSession.connect(server.inspectorUrl);
  const load = new LoadPool(join(BENCH, 'load.js'), 1);
  const how = (n, tag) =>
    which === 'rpc-connect'
      ? { url: server.wsUrl, n, cookieFor: (i) => `user=${tag}${i}; _session=bench` }
      : { url: server.wsUrl, n, urlFor: (i) => `${server.wsUrl}?jid=${signJwt(RPC_BENCH_JWT_SECRET, { user: `gid://bench/User/${tag}${i}` })}` };
  try {
    await load.open({ ...how(200, 'warm'), concurrency: 100 });
    await load.closeAll();
    const work = () => load.open({ ...how(size, 'p'), concurrency: 200 });
    await profiled(inspector, `cablecar-${which}-${size}`, work, { count: size, what: `${size} connections`, per: 'connection' });
  } finally {
    inspector.close();
    await load.closeAll();
    await load.stop();
    await server.stop();
    await rails.server.stop();
  }
}

/** `size` welcomed sockets each subscribe to `count` distinct signed Turbo streams (run.js `turbo-subscribe`). */
async function turboProfile() {
  const target = process.env.TURBO_SERVER ?? 'cablecar';
  const { server, inspector, load } = await startInspected(target, ['--turbo_streams', '--turbo_streams_secret', TURBO_KEY]);
  const identifiers = (tag) => Array.from({ length: size * count }, (_, i) => turboIdentifier(TURBO_KEY, `bench:turbo:${tag}:${i}`));
  try {
    // Warm-up round (JIT), then the profiled one on fresh sockets.
    await load.open({ url: server.wsUrl, n: size, concurrency: 100 });
    await load.subscribe({ identifiers: identifiers('warm'), perClient: count, concurrency: 100 });
    await load.closeAll();
    await load.open({ url: server.wsUrl, n: size, concurrency: 100 });
    const ids = identifiers('p');
    const work = () => load.subscribe({ identifiers: ids, perClient: count, concurrency: 100 });
    await profiled(inspector, `${target}-turbo-subscribe-${size}`, work, { count: size * count, what: `${size} sockets x ${count} signed streams`, per: 'subscription' });
  } finally {
    inspector.close();
    await load.closeAll();
    await load.stop();
    await server.stop();
  }
}

async function main() {
  await (connectMode ? connectProfile() : turboMode ? turboProfile() : fanoutProfile());
}

/** Self time per function (ms, summed over samples), largest first. */
function summarize(profile, out, { count: n, what, per }) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const deltas = profile.timeDeltas;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const { callFrame } = byId.get(id);
    const file = callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/(dist|bench)\//, '$1/');
    const key = `${callFrame.functionName || '(anonymous)'} ${file}:${callFrame.lineNumber + 1}`;
    const ms = (deltas[i] ?? 0) / 1000;
    total += ms;
    self.set(key, (self.get(key) ?? 0) + ms);
  });
  const busy = total - (self.get('(idle) :0') ?? 0);
  console.log(`${which}: ${what}; busy ${busy.toFixed(0)} ms (${(busy / n).toFixed(2)} ms per ${per}); profile: ${out}`);
  console.log('self ms   % busy  function');
  [...self.entries()]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .forEach(([k, ms]) => console.log(`${ms.toFixed(1).padStart(7)}  ${((ms / busy) * 100).toFixed(1).padStart(6)}%  ${k}`));
}

runTool(main);
