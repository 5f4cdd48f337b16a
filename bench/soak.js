/**
 * Soak: does cablecar's memory stay flat under connection churn?
 *
 *   npm run bench:soak                      # builds, then 10 minutes, a pool of 10,000 live connections
 *   SOAK_SECONDS=60 node bench/soak.js      # quick check (writes bench/results/soak-quick.md, not committed)
 *
 * cablecar runs in its own process (`--public`, HTTP broadcaster, default pings) under
 * `--inspect=127.0.0.1:0`: the V8 inspector is the debug-only probe, so the server needs no
 * extra endpoint. A pool of SOAK_CONNECTIONS live connections is churned for SOAK_SECONDS:
 * each connects, subscribes to one of SOAK_STREAMS public streams, waits for a broadcast
 * (every stream gets one each second), stays a random while (0..2 x SOAK_HOLD_MS) and closes,
 * and a new one takes its place (at most SOAK_HANDSHAKES handshakes in flight). At the end the
 * whole pool closes at once. Every
 * SOAK_SAMPLE_SECONDS the server's RSS (/proc/<pid>/status), JS heap after a forced full GC,
 * and active handles / timers (`process.getActiveResourcesInfo()`) are sampled. At the end
 * every client is closed and one more sample is taken ("drained").
 *
 * Verdict: "flat after warm-up" when, after the first third of the run, the drift over time of
 * heap, RSS and handles at a constant live count (least squares on live connections and time)
 * is less than SOAK_FLAT_PERCENT (default 5) % of its mean; else "growing", with the numbers.
 * Everything targets 127.0.0.1; the run stops by itself (hard deadline SOAK_SECONDS + 180 s).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { InspectorSession } from './lib/inspector.js';
import { machineInfo } from './lib/measure.js';
import { killAll, runTool, startServer } from './lib/processes.js';
import { fmt } from './lib/stats.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const env = process.env;
const num = (name, fallback) => (env[name] === undefined || env[name] === '' ? fallback : Number(env[name]));

const options = {
  seconds: num('SOAK_SECONDS', 600),
  connections: num('SOAK_CONNECTIONS', 10_000),
  streams: num('SOAK_STREAMS', 100),
  holdMs: num('SOAK_HOLD_MS', 20_000),
  handshakes: num('SOAK_HANDSHAKES', 64),
  sampleSeconds: num('SOAK_SAMPLE_SECONDS', 10),
  flatPercent: num('SOAK_FLAT_PERCENT', 5),
};
const full = options.seconds >= 600;
// why: a quick check must not overwrite the committed 10-minute result.
const OUT = env.SOAK_OUT ?? join(BENCH, 'results', full ? 'soak.md' : 'soak-quick.md');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const MiB = 1024 * 1024;

/** Counts of what the churn did, since the start. */
const churn = { opened: 0, closed: 0, failed: 0, received: 0, live: 0, inFlight: 0, firstErrors: [] };

/** Closers of the connections holding now, so the end of the run closes a full pool at once. */
const holding = new Set();
let stopping = false;

/** One churned client: connect, subscribe, wait for a broadcast, hold, close. */
function cycle(url, stream) {
  return new Promise((resolve) => {
    churn.inFlight++;
    const identifier = JSON.stringify({ channel: '$pubsub', stream_name: stream });
    const ws = new WebSocket(url, ['actioncable-v1-json'], { perMessageDeflate: false });
    let phase = 'handshake';
    let holdTimer;
    // The server answers the close frame; the cycle counts once the socket is gone ('close' below).
    const closeNow = () => {
      if (phase !== 'holding') return;
      clearTimeout(holdTimer);
      holding.delete(closeNow);
      phase = 'closing';
      ws.close(1000);
    };
    const finish = (failed, why) => {
      if (phase === 'done') return;
      if (phase === 'handshake') churn.inFlight--;
      else churn.live--;
      phase = 'done';
      clearTimeout(holdTimer);
      holding.delete(closeNow);
      if (failed) {
        churn.failed++;
        if (churn.firstErrors.length < 5) churn.firstErrors.push(why);
      } else churn.closed++;
      ws.terminate();
      resolve();
    };
    const giveUp = setTimeout(() => finish(true, `no broadcast within 30 s (${phase})`), 30_000);
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString());
      if (frame.type === 'welcome') {
        churn.inFlight--;
        churn.live++;
        churn.opened++;
        phase = 'subscribing';
        ws.send(JSON.stringify({ command: 'subscribe', identifier }));
      } else if (frame.type === 'confirm_subscription') {
        phase = 'waiting';
      } else if (frame.identifier === identifier && 'message' in frame && phase === 'waiting') {
        churn.received++;
        phase = 'holding';
        clearTimeout(giveUp);
        holding.add(closeNow);
        holdTimer = setTimeout(closeNow, stopping ? 0 : Math.random() * 2 * options.holdMs);
      } else if (frame.type === 'disconnect' || frame.type === 'reject_subscription') {
        clearTimeout(giveUp);
        finish(true, `server sent ${frame.type} ${frame.reason ?? ''}`);
      }
    });
    ws.on('error', (error) => {
      clearTimeout(giveUp);
      finish(true, error.message);
    });
    ws.on('close', () => {
      clearTimeout(giveUp);
      finish(phase !== 'closing', `closed by the server while ${phase}`);
    });
  });
}

/** Keep the pool full until `stopAt`: one loop per slot, handshakes limited by a shared gate. Resolves with the slots' end. */
async function runPool(url, stopAt) {
  let slotsStarted = 0;
  const slot = async (index) => {
    while (Date.now() < stopAt) {
      while (churn.inFlight >= options.handshakes) await sleep(5);
      if (Date.now() >= stopAt) break;
      await cycle(url, `soak-${index % options.streams}`);
    }
  };
  const slots = [];
  for (let i = 0; i < options.connections; i++) {
    slots.push(slot(i));
    slotsStarted++;
    // why stagger the first wave: the ramp-up is part of warm-up, not a thundering herd.
    if (slotsStarted % options.handshakes === 0) await sleep(20);
  }
  const ended = Promise.all(slots);
  // The pool stays full until the end; then every holding connection closes at once.
  await sleep(Math.max(0, stopAt - Date.now()));
  stopping = true;
  for (const close of [...holding]) close();
  await ended;
}

/** Broadcast one message to every stream each second (one HTTP batch). */
function startBroadcasting(broadcastUrl) {
  let seq = 0;
  const timer = setInterval(() => {
    seq++;
    const body = JSON.stringify(Array.from({ length: options.streams }, (_, i) => ({ stream: `soak-${i}`, data: JSON.stringify({ seq }) })));
    fetch(broadcastUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body }).catch(() => undefined);
  }, 1000);
  return () => clearInterval(timer);
}

/** One sample of the server process. */
async function sample(server, inspector, startedAt) {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const rssKiB = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)[1]);
  await inspector.collectGarbage();
  const heapUsed = await inspector.heapUsed();
  const { result } = await inspector.call('Runtime.evaluate', {
    expression: '(() => { const c = {}; for (const t of process.getActiveResourcesInfo()) c[t] = (c[t] || 0) + 1; return c; })()',
    returnByValue: true,
  });
  const resources = result.value ?? {};
  const timers = resources.Timeout ?? 0;
  const handles = Object.entries(resources).reduce((sum, [type, count]) => sum + (type === 'Timeout' || type === 'Immediate' ? 0 : count), 0);
  return { t: Math.round((Date.now() - startedAt) / 1000), live: churn.live, opened: churn.opened, failed: churn.failed, rssMiB: rssKiB / 1024, heapMiB: heapUsed / MiB, handles, timers };
}

/**
 * Least squares y = a + b*live + c*t: `c` is the drift over time at a constant number of live
 * connections. why not a plain slope over time: the pool's size wobbles with the churn (a wave of
 * closes lowers it for a few seconds), and memory follows it; that is not growth.
 */
function drift(points, key) {
  const n = points.length;
  const mean = (f) => points.reduce((a, p) => a + f(p), 0) / n;
  const [ml, mt, my] = [mean((p) => p.live), mean((p) => p.t), mean((p) => p[key])];
  let sll = 0, stt = 0, slt = 0, sly = 0, sty = 0;
  for (const p of points) {
    const [l, t, y] = [p.live - ml, p.t - mt, p[key] - my];
    sll += l * l; stt += t * t; slt += l * t; sly += l * y; sty += t * y;
  }
  const det = sll * stt - slt * slt;
  // A pool that never changed size: the plain slope over time.
  const perSecond = Math.abs(det) < 1e-9 ? (stt === 0 ? 0 : sty / stt) : (sll * sty - slt * sly) / det;
  return { perSecond, mean: my };
}

/** Flat or growing, from the samples after warm-up (the first third of the run). */
function verdict(samples) {
  const window = samples.slice(Math.floor(samples.length / 3));
  if (window.length < 4) return { flat: false, text: 'too few samples for a verdict (run longer or sample more often)', trends: [], span: 0 };
  const span = window[window.length - 1].t - window[0].t;
  const trends = ['heapMiB', 'rssMiB', 'handles', 'timers'].map((key) => {
    const { perSecond, mean } = drift(window, key);
    const changePercent = mean === 0 ? 0 : ((perSecond * span) / mean) * 100;
    return { key, perMinute: perSecond * 60, mean, changePercent };
  });
  // Timers come and go by the hundred (close handshakes); judge them with the handles, not alone.
  const judged = trends.filter((trend) => trend.key !== 'timers');
  const growing = judged.filter((trend) => trend.changePercent > options.flatPercent);
  const text = growing.length === 0
    ? `flat after warm-up: from t=${window[0].t} s to the end (${span} s), at a constant live count, heap, RSS and handles drift by less than ${options.flatPercent} % of their mean`
    : `growing: ${growing.map((g) => `${g.key} +${fmt(g.changePercent)} % over ${span} s`).join(', ')}`;
  return { flat: growing.length === 0, text, trends, span };
}

function report(samples, drained, before, outcome) {
  const rows = samples.map((s) => `| ${s.t} | ${fmt(s.live)} | ${fmt(s.opened)} | ${fmt(s.failed)} | ${fmt(s.rssMiB)} | ${fmt(s.heapMiB)} | ${fmt(s.handles)} | ${fmt(s.timers)} |`);
  const extra = (label, s) => `| ${label} | ${fmt(s.live)} | ${fmt(s.opened)} | ${fmt(s.failed)} | ${fmt(s.rssMiB)} | ${fmt(s.heapMiB)} | ${fmt(s.handles)} | ${fmt(s.timers)} |`;
  return [
    `# Soak: ${options.seconds} s of churn, pool of ${fmt(options.connections)} live connections`,
    '',
    `Run ${new Date().toISOString()} on ${machineInfo()}.`,
    `Each connection: connect, subscribe to one of ${options.streams} public streams, receive a broadcast (every stream gets one per second), hold 0–${(2 * options.holdMs) / 1000} s, close; replaced at once (≤ ${options.handshakes} handshakes in flight).`,
    'Server: `node --inspect=127.0.0.1:0 dist/main.js --public --broadcast_adapter http` (default 3 s pings). Heap is sampled after a forced full GC (inspector); handles exclude timers.',
    '',
    '| t (s) | live | opened (total) | failed | RSS MiB | heap MiB (after GC) | active handles | timers |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    extra('before load', before),
    ...rows,
    extra('drained', drained),
    '',
    `| drift at a constant live count, t ≥ ${samples[Math.floor(samples.length / 3)]?.t ?? '?'} s (${outcome.span} s) | per minute | mean | change over the window |`,
    '|---|---:|---:|---:|',
    ...outcome.trends.map((t) => `| ${t.key} | ${fmt(t.perMinute)} | ${fmt(t.mean)} | ${fmt(t.changePercent)} % |`),
    '',
    `**Verdict: ${outcome.text}.**`,
    '',
    `Connections opened: ${fmt(churn.opened)}, broadcasts received by clients: ${fmt(churn.received)}, failed cycles: ${fmt(churn.failed)}${churn.firstErrors.length ? ` (first: ${churn.firstErrors.join('; ')})` : ''}.`,
    '',
  ].join('\n');
}

async function main() {
  const deadline = setTimeout(() => {
    console.error(`soak: hard deadline (${options.seconds + 180} s) reached; stopping`);
    killAll();
    process.exit(1);
  }, (options.seconds + 180) * 1000);
  deadline.unref();
  const server = await startServer({
    name: 'cablecar',
    script: env.CABLECAR_MAIN ?? join(ROOT, 'dist', 'main.js'),
    args: ['--public', '--host', '127.0.0.1', '--port', '0', '--broadcast_adapter', 'http', '--log_level', 'info', '--ignore-config-path'],
    nodeArgs: ['--inspect=127.0.0.1:0'],
    cwd: ROOT,
  });
  const inspector = await InspectorSession.connect(server.inspectorUrl);
  const startedAt = Date.now();
  const before = await sample(server, inspector, startedAt);
  console.log(`soak: ${options.seconds} s, pool ${options.connections}, sampling every ${options.sampleSeconds} s against ${server.wsUrl}`);
  const stopBroadcasting = startBroadcasting(server.broadcastUrl);
  const stopAt = startedAt + options.seconds * 1000;
  const samples = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await sleep(options.sampleSeconds * 1000);
      // Only samples of a churned pool count; the end (pool closing at once) has its own "drained" row.
      if (!sampling || stopping) break;
      const s = await sample(server, inspector, startedAt);
      samples.push(s);
      console.log(`t=${s.t}s live=${s.live} opened=${s.opened} failed=${s.failed} rss=${fmt(s.rssMiB)}MiB heap=${fmt(s.heapMiB)}MiB handles=${s.handles} timers=${s.timers}`);
    }
  })();
  await runPool(server.wsUrl, stopAt);
  sampling = false;
  await sampler;
  stopBroadcasting();
  // Closing handshakes and the server's 5 s close timers finish before the drained sample.
  await sleep(7000);
  const drained = await sample(server, inspector, startedAt);
  inspector.close();
  await server.stop();
  const outcome = verdict(samples);
  const text = report(samples, drained, before, outcome);
  console.log('\n' + text);
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, text);
  console.log(`written to ${OUT}`);
}

runTool(main);
