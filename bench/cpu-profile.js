/**
 * CPU profile of a server during broadcast fan-out, taken through the inspector
 * (`Profiler.start/stop`), so it works for cablecar even though Nest re-raises
 * SIGTERM (which would stop `node --cpu-prof` from writing its file).
 * Prints the top functions by self time and writes a .cpuprofile (open it in
 * Chrome DevTools) to bench/results/.
 *
 *   node bench/cpu-profile.js [cablecar|baseline] [subscribers=5000] [broadcasts=60]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runTool } from './lib/processes.js';
import { BENCH, startInspected } from './lib/inspected-server.js';
import { pubsubIdentifier } from './lib/tokens.js';

const which = process.argv[2] ?? 'cablecar';
const size = Number(process.argv[3] ?? 5000);
const count = Number(process.argv[4] ?? 60);

async function main() {
  const { server, inspector, load } = await startInspected(which);
  try {
    await load.open({ url: server.wsUrl, n: size, concurrency: 100 });
    await load.subscribe({ identifiers: [pubsubIdentifier('bench')], concurrency: 100 });
    await load.latency({ server, stream: 'bench', kind: 'json', count: 5, gapMs: 20 });
    await inspector.call('Profiler.enable');
    await inspector.call('Profiler.setSamplingInterval', { interval: 100 });
    await inspector.call('Profiler.start');
    await load.latency({ server, stream: 'bench', kind: 'json', count, gapMs: 20 });
    const { profile } = await inspector.call('Profiler.stop', {}, 60_000);
    const out = join(BENCH, 'results', `${which}-fanout-${size}.cpuprofile`);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(profile));
    summarize(profile, out);
  } finally {
    inspector.close();
    await load.closeAll();
    await load.stop();
    await server.stop();
  }
}

/** Self time per function (ms, summed over samples), largest first. */
function summarize(profile, out) {
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
  console.log(`${which}: ${size} subscribers, ${count} broadcasts; busy ${busy.toFixed(0)} ms (${(busy / count).toFixed(1)} ms per broadcast); profile: ${out}`);
  console.log('self ms   % busy  function');
  [...self.entries()]
    .filter(([k]) => !k.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, 25)
    .forEach(([k, ms]) => console.log(`${ms.toFixed(1).padStart(7)}  ${((ms / busy) * 100).toFixed(1).padStart(6)}%  ${k}`));
}

runTool(main);
