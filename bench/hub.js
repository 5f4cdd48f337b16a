/**
 * Hub micro-benchmark: `Hub.broadcast` alone, no sockets, no HTTP (centrifuge keeps one beside its hub).
 *
 *   npm run bench:hub                          # builds dist/, then all cases (~30 s)
 *   node --expose-gc bench/hub.js --quick      # shorter samples (~10 s)
 *   node --expose-gc bench/hub.js --only 1x10000 --payload turbo
 *
 * Fake subscribers only count deliveries, so the numbers are the hub's own cost: validating the
 * payload, building one frame per (stream, identifier), one Buffer, and the loop over subscribers.
 * Time: median over several samples of CPU ns per delivery. Allocation: bytes per broadcast from
 * `process.memoryUsage()` deltas over a window with no GC (see bench/README.md, "Hub micro-benchmark").
 * The run stops by itself: each case has a fixed time budget and the whole run a deadline.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { fmt, median } from './lib/stats.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const HUB_JS = join(ROOT, 'dist/hub/hub.js');

// ---------------------------------------------------------------- options

function parseOptions(argv) {
  const value = (name, fallback) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
  };
  const quick = argv.includes('--quick');
  return {
    quick,
    only: value('only', '').split(',').filter(Boolean),
    payloads: value('payload', 'small,turbo').split(',').filter(Boolean),
    samples: Number(value('samples', quick ? 3 : 7)),
    sampleMs: Number(value('sample-ms', quick ? 100 : 300)),
    deadlineS: Number(value('deadline-s', quick ? 60 : 180)),
  };
}

// ---------------------------------------------------------------- cases

/** A realistic identifier: Turbo's, with a signed stream name (the frame embeds it JSON-encoded). */
const identifierFor = (stream, n = 0) =>
  JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: `${Buffer.from(JSON.stringify(`${stream}:${n}`)).toString('base64')}--${'a1b2c3d4'.repeat(8)}` });

/** ActiveSupport::JSON.encode of a ~1 KB Turbo Stream: a JSON string with \u003c escapes. */
const TURBO_HTML = '<turbo-stream action="append" target="messages"><template><div id="message_1" class="message"><p>Hello &amp; welcome to the room</p></div></template></turbo-stream>'.repeat(6);
const PAYLOADS = {
  small: JSON.stringify({ text: 'hello', user_id: 42 }),
  turbo: JSON.stringify(TURBO_HTML).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026'),
};

/** id, streams, subscribers per stream, and whether each subscriber has its own identifier. */
const CASES = [
  { id: '1x1000', title: '1 stream × 1,000 subscribers', streams: 1, perStream: 1000, distinctIdentifiers: false },
  { id: '1x10000', title: '1 stream × 10,000 subscribers', streams: 1, perStream: 10000, distinctIdentifiers: false },
  { id: '1000x1', title: '1,000 streams × 1 subscriber', streams: 1000, perStream: 1, distinctIdentifiers: false },
  { id: '1000x10', title: '1,000 streams × 10 subscribers', streams: 1000, perStream: 10, distinctIdentifiers: false },
  { id: '1x1000-ids', title: '1 stream × 1,000 subscribers, one identifier each', streams: 1, perStream: 1000, distinctIdentifiers: true },
];

/** A subscriber whose `deliver` only counts, so what is measured is the hub. */
class CountingSubscriber {
  constructor(sid) {
    this.sid = sid;
    this.deliveries = 0;
  }
  deliver() {
    this.deliveries++;
  }
}

/** Build a hub for `c`; `round()` broadcasts once to every stream, `broadcast(k)` to one (cycling). */
function setup(Hub, c, data) {
  const hub = new Hub();
  const publications = [];
  for (let s = 0; s < c.streams; s++) {
    const stream = `room:${s}`;
    publications.push({ stream, data });
    for (let i = 0; i < c.perStream; i++) {
      hub.subscribe(new CountingSubscriber(`sid-${s}-${i}`), stream, identifierFor(stream, c.distinctIdentifiers ? i : 0));
    }
  }
  const round = () => {
    let delivered = 0;
    for (let p = 0; p < publications.length; p++) delivered += hub.broadcast(publications[p]);
    return delivered;
  };
  const broadcast = (k) => hub.broadcast(publications[k % publications.length]);
  return { round, broadcast, broadcastsPerRound: publications.length, deliveriesPerRound: c.streams * c.perStream };
}

// ---------------------------------------------------------------- measurement

/** GC events seen by a PerformanceObserver, to prove an allocation window had none. */
const gcTimes = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcTimes.push(entry.startTime);
}).observe({ entryTypes: ['gc'] });
const flushObserver = () => new Promise((resolve) => setTimeout(resolve, 0));
/** Broadcasts run after the full GC and before an allocation window opens. */
const WARM_BROADCASTS = 20;

/**
 * Median ns per delivery (and per broadcast) over `samples` samples of about `sampleMs` wall time each.
 * The ns are CPU time of this process (`process.cpuUsage()`, user + system), not wall time: on a
 * shared 2-core VM, time spent waiting for a core would otherwise be counted as hub cost.
 */
function measureTime(bench, options, deadline) {
  const perDelivery = [];
  const perBroadcast = [];
  const warmUntil = performance.now() + options.sampleMs;
  while (performance.now() < warmUntil) bench.round();
  for (let s = 0; s < options.samples && performance.now() < deadline; s++) {
    let rounds = 0;
    let delivered = 0;
    const start = process.cpuUsage();
    const until = performance.now() + options.sampleMs;
    do {
      delivered += bench.round();
      rounds++;
    } while (performance.now() < until);
    const cpu = process.cpuUsage(start);
    const ns = (cpu.user + cpu.system) * 1000;
    if (delivered !== rounds * bench.deliveriesPerRound) throw new Error(`expected ${rounds * bench.deliveriesPerRound} deliveries, counted ${delivered}`);
    perDelivery.push(ns / delivered);
    perBroadcast.push(ns / (rounds * bench.broadcastsPerRound));
  }
  return { nsPerDelivery: median(perDelivery), nsPerBroadcast: median(perBroadcast) };
}

/**
 * Bytes allocated per broadcast: V8 heap (`heapUsed`) and Buffer memory outside it (`arrayBuffers`),
 * as deltas over a window of `n` broadcasts started right after a full GC. With no GC inside the
 * window every allocation (live or already garbage) is still counted in `heapUsed`, so the delta is
 * what was allocated. Windows aim at ~1 MB (V8's default young generation must hold it); a window
 * that saw a GC (PerformanceObserver 'gc' entries) is retried with half as many broadcasts. The cost
 * of reading `memoryUsage()` itself (an empty window) is subtracted.
 */
async function measureAllocation(bench) {
  const window = async (n) => {
    globalThis.gc();
    globalThis.gc();
    await flushObserver();
    // why re-warm after the full GC: it may flush compiled code, and recompiling allocates on the heap too;
    // then a minor GC (scavenge, no code flushing) empties the young generation for the window.
    for (let k = 0; k < WARM_BROADCASTS; k++) bench.broadcast(k);
    process.memoryUsage();
    globalThis.gc({ type: 'minor', execution: 'sync' });
    await flushObserver();
    const gcsBefore = gcTimes.length;
    const before = process.memoryUsage();
    for (let k = 0; k < n; k++) bench.broadcast(k);
    const after = process.memoryUsage();
    await flushObserver();
    return { heap: after.heapUsed - before.heapUsed, external: after.arrayBuffers - before.arrayBuffers, clean: gcTimes.length === gcsBefore };
  };
  // why: the windows call `bench.broadcast`, which the timing loop did not; optimizing it inside a window would count compiled code.
  for (let k = 0, until = performance.now() + 100; performance.now() < until; k++) bench.broadcast(k);
  const empty = await window(0);
  const probe = await window(1);
  const estimate = Math.max(64, probe.heap - empty.heap + probe.external);
  for (let n = Math.max(1, Math.min(5000, Math.floor((1 << 20) / estimate))); n >= 1; n = n === 1 ? 0 : Math.floor(n / 2)) {
    const w = await window(n);
    if (!w.clean) continue;
    return { heapPerBroadcast: Math.max(0, (w.heap - (empty.clean ? empty.heap : 0)) / n), externalPerBroadcast: w.external / n, broadcasts: n };
  }
  return { heapPerBroadcast: NaN, externalPerBroadcast: NaN, broadcasts: 0 };
}

// ---------------------------------------------------------------- main

async function main() {
  const options = parseOptions(process.argv.slice(2));
  if (typeof globalThis.gc !== 'function') {
    console.error('bench/hub.js needs --expose-gc: run `npm run bench:hub` or `node --expose-gc bench/hub.js`');
    process.exitCode = 2;
    return;
  }
  if (!existsSync(HUB_JS)) {
    console.error(`${HUB_JS} is missing: run \`npm run build\` first (or \`npm run bench:hub\`)`);
    process.exitCode = 2;
    return;
  }
  const { Hub } = await import(pathToFileURL(HUB_JS).href);
  const deadline = performance.now() + options.deadlineS * 1000;
  const cases = CASES.filter((c) => options.only.length === 0 || options.only.includes(c.id));
  console.log(`# Hub.broadcast micro-benchmark (${process.version}, ${options.samples} samples × ${options.sampleMs} ms per case)\n`);
  console.log('| Case | payload | deliveries / broadcast | ns / delivery | ns / broadcast | heap bytes / broadcast | Buffer bytes / broadcast |');
  console.log('|---|---|---:|---:|---:|---:|---:|');
  let skipped = 0;
  for (const c of cases) {
    for (const payload of options.payloads) {
      if (!(payload in PAYLOADS)) throw new Error(`unknown payload ${payload} (small, turbo)`);
      if (performance.now() > deadline) {
        skipped++;
        continue;
      }
      const bench = setup(Hub, c, PAYLOADS[payload]);
      const time = measureTime(bench, options, deadline);
      const alloc = await measureAllocation(bench);
      console.log(
        `| ${c.title} | ${payload} (${PAYLOADS[payload].length} B) | ${fmt(bench.deliveriesPerRound / bench.broadcastsPerRound)} | ${fmt(time.nsPerDelivery)} | ${fmt(time.nsPerBroadcast)} | ${fmt(alloc.heapPerBroadcast)} | ${fmt(alloc.externalPerBroadcast)} |`,
      );
    }
  }
  if (skipped > 0) console.log(`\n${skipped} case(s) skipped: the ${options.deadlineS} s deadline was reached.`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
