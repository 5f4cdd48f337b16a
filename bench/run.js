/**
 * cablecar vs a plain `ws` baseline, same machine, same run.
 *
 *   npm run bench                 # builds, then the full run (~2-3 min)
 *   node bench/run.js --quick     # small run (~30 s); BENCH_QUICK=1 works too
 *   node bench/run.js --only fanout-1000,connect --workers 1
 *
 * For each scenario: start cablecar (scenario flags), run it, stop; start the
 * baseline, run it, stop. A scenario whose flags cablecar rejects ("unknown flag")
 * is skipped with a note. Prints a Markdown table and writes bench/results/latest.md.
 * See bench/README.md for what each number means.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { LoadPool } from './lib/load-pool.js';
import { killAll, startServer, UnsupportedFlagError } from './lib/processes.js';
import { InspectorSession } from './lib/inspector.js';
import { loadAverage, machineInfo, requireAll, settledRss, sleep } from './lib/measure.js';
import { fmt, median, quantile } from './lib/stats.js';
import { pubsubIdentifier, signJwt, turboIdentifier } from './lib/tokens.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');

// ---------------------------------------------------------------- options

function parseOptions(argv, env) {
  const has = (name) => argv.includes(`--${name}`);
  const value = (name, envName, fallback) => {
    const i = argv.indexOf(`--${name}`);
    if (i >= 0 && i + 1 < argv.length) return argv[i + 1];
    return env[envName] ?? fallback;
  };
  const quick = has('quick') || env.BENCH_QUICK === '1';
  const list = (text) => text.split(',').map((s) => s.trim()).filter(Boolean);
  return {
    quick,
    /** sockets for the connect-rate scenarios */
    conns: Number(value('conns', 'BENCH_CONNS', quick ? 200 : 2000)),
    /** sockets for the idle-memory scenario (more sockets = less RSS noise per socket) */
    memConns: Number(value('mem-conns', 'BENCH_MEM_CONNS', quick ? 500 : 5000)),
    concurrency: Number(value('concurrency', 'BENCH_CONCURRENCY', 100)),
    fanoutSizes: list(value('fanout', 'BENCH_FANOUT', quick ? '200,1000' : '1000,5000')).map(Number),
    broadcasts: Number(value('broadcasts', 'BENCH_BROADCASTS', quick ? 20 : 80)),
    warmupBroadcasts: Number(value('warmup-broadcasts', 'BENCH_WARMUP_BROADCASTS', 5)),
    gapMs: Number(value('gap-ms', 'BENCH_GAP_MS', 20)),
    /** Turbo subscribe scenario: subscriptions per socket */
    turboPerClient: Number(value('turbo-per-client', 'BENCH_TURBO_PER_CLIENT', 5)),
    workers: Number(value('workers', 'BENCH_WORKERS', 1)),
    only: list(value('only', 'BENCH_ONLY', '')),
    // why: a quick run must not overwrite the committed full-run results
    out: value('out', 'BENCH_OUT', join(BENCH, 'results', quick ? 'quick.md' : 'latest.md')),
    deadlineMs: Number(value('deadline-s', 'BENCH_DEADLINE_S', quick ? 120 : 1500)) * 1000,
    /** Another cablecar build (its dist/main.js) in the baseline's place: same scenarios, ratios new/old. */
    against: value('against', 'BENCH_AGAINST', ''),
  };
}

// ---------------------------------------------------------------- servers

const JWT_SECRET = 'bench-jwt-secret';
const TURBO_KEY = 'bench-turbo-key';

/** The two servers; scenarios add flags. Both bind 127.0.0.1 on a free port. */
const SERVERS = {
  cablecar: {
    // CABLECAR_MAIN: compare another build (e.g. a patched scratch copy) against the same baseline.
    script: process.env.CABLECAR_MAIN ?? join(ROOT, 'dist', 'main.js'),
    // why log_level info: the "cablecar listening ... port=N" line is logged at info; nothing on the hot path logs at info.
    args: ['--public', '--host', '127.0.0.1', '--port', '0', '--ping_interval', '0', '--log_level', 'info', '--ignore-config-path'],
  },
  /** cablecar with metrics off: the same build, or another one (CABLECAR_OFF_MAIN, e.g. a build from before metrics). */
  cablecarOff: {
    script: process.env.CABLECAR_OFF_MAIN ?? process.env.CABLECAR_MAIN ?? join(ROOT, 'dist', 'main.js'),
    args: ['--public', '--host', '127.0.0.1', '--port', '0', '--ping_interval', '0', '--log_level', 'info', '--ignore-config-path'],
  },
  baseline: {
    script: join(BENCH, 'baseline-server.js'),
    args: ['--host', '127.0.0.1', '--port', '0'],
  },
};

// ---------------------------------------------------------------- scenarios

/** Open and close a few sockets so code paths are warm before a measurement. */
async function warmUp(ctx, n = 100) {
  await ctx.load.open({ url: ctx.server.wsUrl, n, concurrency: ctx.opts.concurrency });
  await ctx.load.closeAll();
}

/**
 * One unrecorded round of signed Turbo subscribes at full size, so both servers' subscribe paths are
 * optimised by the JIT before a measurement (as warmUp does for connects). why full size: with
 * 100 sockets the first recorded rounds still ran partly unoptimised, and unevenly on the two sides.
 */
async function warmUpTurbo(ctx, n = ctx.opts.conns, perClient = ctx.opts.turboPerClient) {
  await ctx.load.open({ url: ctx.server.wsUrl, n, concurrency: ctx.opts.concurrency });
  const identifiers = Array.from({ length: n * perClient }, (_, i) => turboIdentifier(TURBO_KEY, `bench:turbo:warm:${i}`));
  requireAll(await ctx.load.subscribe({ identifiers, perClient, concurrency: ctx.opts.concurrency }), 'warm-up subscriptions');
  await ctx.load.closeAll();
}

/** One connect-rate round: open `conns` sockets (start -> every welcome), then close them. */
async function connectRound(ctx, urlFor) {
  const { server, load, opts } = ctx;
  const cpu0 = server.cpuMs();
  const result = await load.open({ url: server.wsUrl, n: opts.conns, concurrency: opts.concurrency, urlFor });
  const cpu = server.cpuMs() - cpu0;
  requireAll(result, 'connections');
  await load.closeAll();
  await sleep(300); // why: let the server finish closing sockets before the other side's round
  return { rate: (opts.conns / result.ms) * 1000, cpuPerK: (cpu / opts.conns) * 1000 };
}

const connectMetrics = [
  { key: 'rate', label: 'connections/s to welcome', unit: 'conn/s', better: 'higher', target: { min: 0.8 } },
  { key: 'cpuPerK', label: 'server CPU per 1k connections', unit: 'ms', better: 'lower' },
];

/** Fan-out scenario parts: `size` sockets on one identifier, rounds of broadcasts, percentiles over all deliveries. */
function fanout({ size, identifier, stream, kind }) {
  return {
    rounds: (o) => (o.quick ? 2 : 4),
    async setup(ctx) {
      const { server, load, opts } = ctx;
      requireAll(await load.open({ url: server.wsUrl, n: size, concurrency: opts.concurrency }), 'connections');
      const sub = await load.subscribe({ identifiers: [identifier], concurrency: opts.concurrency });
      requireAll(sub, 'subscriptions');
      if (sub.rejected) throw new Error(`${sub.rejected} of ${size} subscriptions rejected`);
      // warm-up broadcasts, not recorded
      await load.latency({ server, stream, kind, count: opts.warmupBroadcasts, gapMs: opts.gapMs });
    },
    async measure(ctx) {
      const { server, load, opts } = ctx;
      const count = Math.ceil(opts.broadcasts / (opts.quick ? 2 : 4));
      const cpu0 = server.cpuMs();
      const r = await load.latency({ server, stream, kind, count, gapMs: opts.gapMs });
      return { ...r, cpu: server.cpuMs() - cpu0, count };
    },
    summarize(samples, note) {
      const all = Float64Array.from(samples.flatMap((s) => Array.from(s.latencies)));
      const delivered = samples.reduce((a, s) => a + s.delivered, 0);
      const expected = samples.reduce((a, s) => a + s.expected, 0);
      const broadcasts = samples.reduce((a, s) => a + s.count, 0);
      if (delivered < expected) note(`${expected - delivered} of ${expected} deliveries missing`);
      return {
        p50: quantile(all, 0.5),
        p99: quantile(all, 0.99),
        max: quantile(all, 1),
        cpuPerBroadcast: samples.reduce((a, s) => a + s.cpu, 0) / broadcasts,
      };
    },
    metrics: [
      { key: 'p50', label: 'fan-out latency p50', unit: 'ms', better: 'lower' },
      { key: 'p99', label: 'fan-out latency p99', unit: 'ms', better: 'lower', target: { max: 1.3 } },
      { key: 'max', label: 'fan-out latency max', unit: 'ms', better: 'lower' },
      { key: 'cpuPerBroadcast', label: 'server CPU per broadcast', unit: 'ms', better: 'lower' },
    ],
  };
}

/**
 * What metrics cost (bench/README.md "Metrics cost"): fan-out throughput with metrics off (the
 * `baseline` column: the same build without `--metrics_http`, or the build `CABLECAR_OFF_MAIN` names)
 * against metrics on with `/metrics` scraped every second during each measured burst.
 */
/** BENCH_METRICS_AA=1: both sides without metrics (an A/A run), to see the noise floor of the ratio. */
const CALIBRATE = process.env.BENCH_METRICS_AA === '1';

function metricsCost({ size }) {
  const identifier = pubsubIdentifier('bench');
  return {
    id: `metrics-cost-${size}`,
    title: `Fan-out throughput, ${size} subscribers: metrics on and scraped every second (cablecar) vs off (baseline column)`,
    servers: { cablecar: 'cablecar', baseline: 'cablecarOff' },
    flags: { cablecar: CALIBRATE ? [] : ['--metrics_http', '/metrics'], baseline: [] },
    rounds: (o) => (o.quick ? 2 : 8),
    async setup(ctx) {
      const { server, load, opts } = ctx;
      requireAll(await load.open({ url: server.wsUrl, n: size, concurrency: opts.concurrency }), 'connections');
      requireAll(await load.subscribe({ identifiers: [identifier], concurrency: opts.concurrency }), 'subscriptions');
      await load.burst({ server, stream: 'bench', kind: 'json', count: opts.warmupBroadcasts * 4 });
    },
    async measure(ctx) {
      const { server, load, opts } = ctx;
      const count = opts.quick ? 50 : 200;
      const scraping = server.name === 'cablecar' && !CALIBRATE ? scrapeEverySecond(`http://127.0.0.1:${server.port}/metrics`) : undefined;
      const cpu0 = server.cpuMs();
      try {
        const r = await load.burst({ server, stream: 'bench', kind: 'json', count });
        if (r.delivered < r.expected) ctx.note(`${r.expected - r.delivered} of ${r.expected} deliveries missing`);
        return { throughput: (r.delivered / r.ms) * 1000, cpuPerK: ((server.cpuMs() - cpu0) / r.delivered) * 1000, scrapes: scraping?.count() ?? 0 };
      } finally {
        await scraping?.stop();
      }
    },
    summarize(samples, note) {
      const scrapes = samples.reduce((a, s) => a + s.scrapes, 0);
      if (scrapes > 0) note(`${scrapes} scrapes of /metrics during ${samples.length} measured bursts`);
      return medianOfKeys(samples);
    },
    metrics: [
      { key: 'throughput', label: 'deliveries/s (median of rounds)', unit: 'msg/s', better: 'higher', target: { min: 0.97 } },
      { key: 'cpuPerK', label: 'server CPU per 1k deliveries', unit: 'ms', better: 'lower' },
    ],
  };
}

/** GET `url` once a second until stopped; each scrape must answer 200 with anycable_go_ metrics. */
function scrapeEverySecond(url) {
  let count = 0;
  let failure;
  let inFlight = Promise.resolve();
  const scrapeOnce = () => {
    inFlight = fetch(url)
      .then(async (res) => {
        const text = await res.text();
        if (res.status !== 200 || !text.includes('anycable_go_broadcast_msg_total')) throw new Error(`scrape answered ${res.status}`);
        count++;
      })
      .catch((error) => (failure = error));
  };
  scrapeOnce();
  const timer = setInterval(scrapeOnce, 1000);
  return {
    count: () => count,
    async stop() {
      clearInterval(timer);
      await inFlight;
      if (failure) throw failure;
    },
  };
}

/**
 * The scenario list; add entries here. Fields:
 * - `id`, `title`
 * - `servers` (optional): which `SERVERS` entry each side runs (default: the side's own name).
 * - `flags`: extra server args per side; cablecar answering "unknown flag" skips the scenario.
 *   `nodeArgs`: extra `node` args per side (e.g. `--inspect` for remote GC).
 * - `metrics`: `{key, label, unit, better, target}`; `target` bounds cablecar/baseline
 *   (`{min}` higher-is-better, `{max}` lower-is-better); no target = informative.
 * - `setup(ctx)` (optional, once per side), then `rounds` (default 1) calls of
 *   `measure(ctx, round)`, interleaved between the two servers (A B, B A, ...) so noise
 *   hits both alike; `summarize(samples, note)` turns the samples into metric values
 *   (default: median of each key).
 * - `ctx` = { server: ServerHandle, load: LoadPool, opts, note(text) }; `ctx.inspector` when
 *   `nodeArgs` has `--inspect`.
 */
function buildScenarios(opts) {
  const list = [
    {
      id: 'connect',
      title: `Connect ${opts.conns} sockets (concurrency ${opts.concurrency})`,
      flags: { cablecar: [], baseline: [] },
      rounds: (o) => (o.quick ? 1 : 3),
      setup: (ctx) => warmUp(ctx),
      measure: (ctx) => connectRound(ctx),
      metrics: connectMetrics,
    },
    {
      id: 'memory',
      title: `Idle memory, ${opts.memConns} welcomed sockets`,
      flags: { cablecar: [], baseline: [] },
      // why --inspect: lets the bench force a full GC in the server (HeapProfiler.collectGarbage),
      // so RSS deltas measure live memory rather than when V8 last happened to collect.
      nodeArgs: { cablecar: ['--inspect=127.0.0.1:0'], baseline: ['--inspect=127.0.0.1:0'] },
      setup: (ctx) => warmUp(ctx),
      async measure(ctx) {
        const { server, load, inspector } = ctx;
        const sample = async () => {
          await inspector.collectGarbage();
          await sleep(300);
          return { rss: await settledRss(server, 5, 100), heap: await inspector.heapUsed() };
        };
        const before = await sample();
        requireAll(await load.open({ url: server.wsUrl, n: opts.memConns, concurrency: opts.concurrency }), 'connections');
        await sleep(500);
        const after = await sample();
        ctx.note(`RSS after forced GC ${fmt(before.rss / 1024)} -> ${fmt(after.rss / 1024)} MiB, JS heap ${fmt(before.heap / 2 ** 20)} -> ${fmt(after.heap / 2 ** 20)} MiB`);
        const n = opts.memConns;
        return { perConn: (after.rss - before.rss) / n, heapPerConn: (after.heap - before.heap) / 1024 / n };
      },
      metrics: [
        { key: 'perConn', label: 'RSS per idle connection (after forced GC)', unit: 'KiB', better: 'lower', target: { max: 1.3 } },
        { key: 'heapPerConn', label: 'JS heap per idle connection, after GC', unit: 'KiB', better: 'lower' },
      ],
    },
    ...opts.fanoutSizes.map((size) => ({
      id: `fanout-${size}`,
      title: `Broadcast fan-out, ${size} \`$pubsub\` subscribers on one stream`,
      flags: { cablecar: [], baseline: [] },
      ...fanout({ size, identifier: pubsubIdentifier('bench'), stream: 'bench', kind: 'json' }),
    })),
    {
      id: 'jwt-connect',
      title: `JWT connect: ${opts.conns} sockets with \`?jid=<HS256>\``,
      flags: { cablecar: ['--jwt_secret', JWT_SECRET], baseline: ['--jwt_secret', JWT_SECRET] },
      rounds: (o) => (o.quick ? 1 : 3),
      setup: (ctx) => warmUp(ctx),
      measure(ctx) {
        // a distinct token per socket, made before the clock starts
        const tokens = Array.from({ length: opts.conns }, (_, i) => signJwt(JWT_SECRET, { user: `gid://bench/User/${i}` }));
        return connectRound(ctx, (i) => `${ctx.server.wsUrl}?jid=${tokens[i]}`);
      },
      metrics: connectMetrics,
    },
    {
      id: 'turbo-subscribe',
      title: `Turbo subscribe: ${opts.conns} sockets x ${opts.turboPerClient} signed streams`,
      flags: turboFlags(),
      // why 5: one round swings by ±20% on two shared cores; the median of 5 is steadier (bench/README.md)
      rounds: (o) => (o.quick ? 1 : 5),
      setup: (ctx) => warmUpTurbo(ctx),
      async measure(ctx, round) {
        const { server, load } = ctx;
        requireAll(await load.open({ url: server.wsUrl, n: opts.conns, concurrency: opts.concurrency }), 'connections');
        const total = opts.conns * opts.turboPerClient;
        const identifiers = Array.from({ length: total }, (_, i) => turboIdentifier(TURBO_KEY, `bench:turbo:${round}:${i}`));
        const cpu0 = server.cpuMs();
        const result = await load.subscribe({ identifiers, perClient: opts.turboPerClient, concurrency: opts.concurrency });
        const cpu = server.cpuMs() - cpu0;
        requireAll(result, 'subscriptions');
        if (result.rejected) throw new Error(`${result.rejected} of ${total} Turbo subscriptions rejected`);
        await load.closeAll();
        await sleep(300);
        return { rate: (total / result.ms) * 1000, cpuPerK: (cpu / total) * 1000 };
      },
      metrics: [
        { key: 'rate', label: 'subscriptions confirmed/s', unit: 'sub/s', better: 'higher', target: { min: 0.8 } },
        // why: the rate swings with other load on the shared cores; the server's own CPU per subscription does much less.
        { key: 'cpuPerK', label: 'server CPU per 1k subscriptions', unit: 'ms', better: 'lower' },
      ],
    },
    ...opts.fanoutSizes.map((size) => ({
      id: `turbo-fanout-${size}`,
      title: `Broadcast fan-out, ${size} Turbo Streams subscribers on one stream`,
      flags: turboFlags(),
      ...fanout({ size, identifier: turboIdentifier(TURBO_KEY, 'bench:turbo'), stream: 'bench:turbo', kind: 'turbo' }),
    })),
    ...opts.fanoutSizes.map((size) => metricsCost({ size })),
  ];
  return opts.only.length ? list.filter((s) => opts.only.some((id) => s.id === id || s.id.startsWith(`${id}-`))) : list;
}

function turboFlags() {
  const args = ['--turbo_streams', '--turbo_streams_secret', TURBO_KEY];
  return { cablecar: args, baseline: args };
}

// ---------------------------------------------------------------- protocol smoke check

/** Check the frames both servers send for the subset the bench relies on, so the comparison is like for like. */
async function smokeCheck(server) {
  const ws = new WebSocket(server.wsUrl, ['actioncable-v1-json'], { perMessageDeflate: false });
  const frames = [];
  const next = () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${server.name}: no frame within 5 s`)), 5000);
      const take = () => (clearTimeout(timer), resolve(frames.shift()));
      frames.length ? take() : ws.once('message', () => setImmediate(take));
    });
  ws.on('message', (data) => frames.push(data.toString()));
  ws.on('error', () => undefined);
  try {
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    const expect = (cond, what, got) => {
      if (!cond) throw new Error(`${server.name} smoke check: expected ${what}, got ${got}`);
    };
    if (ws.protocol !== 'actioncable-v1-json') throw new Error(`${server.name}: negotiated subprotocol "${ws.protocol}"`);
    const welcome = await next();
    expect(/^\{"type":"welcome","sid":"[^"]+"\}$/.test(welcome), 'welcome with sid', welcome);
    const identifier = pubsubIdentifier('smoke');
    ws.send(JSON.stringify({ command: 'subscribe', identifier }));
    const confirm = JSON.parse(await next());
    expect(confirm.type === 'confirm_subscription' && confirm.identifier === identifier, 'confirm_subscription', JSON.stringify(confirm));
    ws.send('{"command":"ping"}');
    const pong = await next();
    expect(pong === '{"type":"pong"}', 'pong', pong);
    const res = await fetch(server.broadcastUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ stream: 'smoke', data: '{"a":1}' }) });
    expect(res.status === 201, 'POST /_broadcast -> 201', res.status);
    const frame = await next();
    expect(frame === JSON.stringify({ identifier, message: { a: 1 } }), 'broadcast frame', frame);
  } finally {
    ws.terminate();
  }
}

// ---------------------------------------------------------------- runner

/** Largest socket count one process needs, against `ulimit -n`; shrinks counts with a message when too low. */
function checkFdLimit(opts) {
  let limit = Infinity;
  try {
    const text = execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim();
    if (text !== 'unlimited') limit = Number(text);
  } catch {
    console.warn('! could not read `ulimit -n`; assuming it is high enough');
  }
  const need = Math.max(opts.conns, opts.memConns, ...opts.fanoutSizes) + 200;
  if (limit >= need) return limit;
  const cap = Math.max(10, limit - 200);
  console.warn(
    `! ulimit -n is ${limit}, but ${need} file descriptors per process are needed; capping socket counts at ${cap}.\n` +
      `  Raise it for a full run, e.g. \`ulimit -n 20000 && npm run bench\` (hard limit: \`ulimit -Hn\`).`,
  );
  opts.conns = Math.min(opts.conns, cap);
  opts.memConns = Math.min(opts.memConns, cap);
  opts.fanoutSizes = [...new Set(opts.fanoutSizes.map((n) => Math.min(n, cap)))];
  return limit;
}

const SIDES = ['cablecar', 'baseline'];

/** A server definition; `--against` puts another cablecar build in the baseline's place. */
function serverFor(name, opts) {
  if (name === 'baseline' && opts.against) return { script: opts.against, args: SERVERS.cablecar.args };
  return SERVERS[name];
}

/** Start one side's server (+ inspector session) and load workers. */
async function startSide(scenario, name, opts, notes) {
  const def = serverFor(scenario.servers?.[name] ?? name, opts);
  // why: with --against the baseline side is cablecar too, so it takes cablecar's flags
  const flags = opts.against && name === 'baseline' ? scenario.flags.cablecar : scenario.flags[name];
  const nodeArgs = scenario.nodeArgs?.[name] ?? [];
  const server = await startServer({ name, script: def.script, args: [...def.args, ...flags], nodeArgs, cwd: ROOT });
  const ctx = { server, load: null, opts, note: (text) => notes.push(`${scenario.id} ${name}: ${text}`) };
  try {
    if (nodeArgs.some((a) => a.startsWith('--inspect'))) {
      if (!server.inspectorUrl) throw new Error(`${name}: started with --inspect but printed no inspector URL`);
      ctx.inspector = await InspectorSession.connect(server.inspectorUrl);
    }
    ctx.load = new LoadPool(join(BENCH, 'load.js'), opts.workers);
    return ctx;
  } catch (error) {
    await stopSide(ctx);
    throw error;
  }
}

async function stopSide(ctx) {
  if (!ctx) return;
  ctx.inspector?.close();
  if (ctx.load) {
    await ctx.load.closeAll();
    await ctx.load.stop();
  }
  await ctx.server.stop();
}

function medianOfKeys(samples) {
  const out = {};
  for (const key of Object.keys(samples[0])) if (typeof samples[0][key] === 'number') out[key] = median(samples.map((s) => s[key]));
  return out;
}

/**
 * Run one scenario on both servers at once: both started (cablecar first, so an
 * unsupported flag is found before any work), both set up, then rounds interleaved
 * A B, B A, ... Returns {cablecar, baseline} metric values.
 */
async function runScenario(scenario, opts, notes) {
  const ctxs = {};
  try {
    // Started together; a cablecar "unknown flag" rejection surfaces from here and skips the scenario.
    const started = await Promise.allSettled(SIDES.map((name) => startSide(scenario, name, opts, notes)));
    SIDES.forEach((name, i) => started[i].status === 'fulfilled' && (ctxs[name] = started[i].value));
    const failure = started.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    for (const name of SIDES) await scenario.setup?.(ctxs[name]);
    const samples = { cablecar: [], baseline: [] };
    const rounds = typeof scenario.rounds === 'function' ? scenario.rounds(opts) : scenario.rounds ?? 1;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? SIDES : [...SIDES].reverse();
      for (const name of order) samples[name].push(await scenario.measure(ctxs[name], round));
    }
    const values = {};
    for (const name of SIDES) {
      values[name] = scenario.summarize ? scenario.summarize(samples[name], ctxs[name].note) : medianOfKeys(samples[name]);
      console.log(`  ${name.padEnd(8)} ${scenario.metrics.map((m) => `${m.key}=${fmt(values[name][m.key])}`).join(' ')}`);
    }
    return values;
  } finally {
    await Promise.all(SIDES.map((name) => stopSide(ctxs[name]).catch(() => undefined)));
  }
}

function verdict(metric, ratio) {
  const t = metric.target;
  if (!t || Number.isNaN(ratio)) return { target: '—', status: '' };
  if (t.min !== undefined) return { target: `≥ ${t.min}x`, status: ratio >= t.min ? 'ok' : '**MISS**' };
  return { target: `≤ ${t.max}x`, status: ratio <= t.max ? 'ok' : '**MISS**' };
}

function renderReport(opts, rows, skipped, notes, seconds, loads) {
  const lines = [
    opts.against ? `# cablecar vs another cablecar build (\`--against ${opts.against}\`) in the baseline column` : `# cablecar vs plain \`ws\` baseline`,
    '',
    `- Date: ${new Date().toISOString()}; run took ${seconds.toFixed(0)} s (${opts.quick ? '--quick' : 'full'})`,
    `- Machine: ${machineInfo(ROOT)}; 1-minute load average ${loads.join(' -> ')} (start -> end; the cores may be shared with other work: trust the ratios more than the absolute numbers)`,
    `- Load: ${opts.workers} client worker process(es); servers and clients share the machine's cores (see bench/README.md)`,
    `- Both servers run side by side; measurement rounds alternate between them (${opts.quick ? 'connect: 1 round; fan-out: 2 rounds pooled' : 'connect: 3 rounds, median; fan-out: 4 rounds pooled'})`,
    `- Fan-out: ${opts.broadcasts} broadcasts per size after ${opts.warmupBroadcasts} unrecorded warm-up ones, ${opts.gapMs} ms gap after each completes; percentiles over every (broadcast, client) delivery`,
    '',
    '| Scenario | Metric | baseline | cablecar | cablecar/baseline | target | |',
    '|---|---|---:|---:|---:|---:|---|',
  ];
  for (const r of rows) {
    lines.push(`| ${r.scenario} | ${r.label} (${r.unit}) | ${fmt(r.baseline)} | ${fmt(r.cablecar)} | ${fmt(r.ratio)}x | ${r.target} | ${r.status} |`);
  }
  if (skipped.length) lines.push('', '**Skipped or failed:**', '', ...skipped.map((s) => `- ${s}`));
  if (notes.length) lines.push('', '**Notes:**', '', ...notes.map((n) => `- ${n}`));
  return lines.join('\n') + '\n';
}

async function main() {
  const opts = parseOptions(process.argv.slice(2), process.env);
  checkFdLimit(opts);
  const watchdog = setTimeout(() => {
    console.error(`! bench exceeded its ${opts.deadlineMs / 1000} s deadline; killing everything`);
    killAll();
    process.exit(1);
  }, opts.deadlineMs);
  watchdog.unref();
  const started = Date.now();
  const load0 = loadAverage();

  // Smoke check both servers once: the baseline must speak the same subset cablecar does.
  for (const name of ['cablecar', 'baseline']) {
    const def = serverFor(name, opts);
    const server = await startServer({ name, script: def.script, args: def.args, cwd: ROOT });
    try {
      await smokeCheck(server);
    } finally {
      await server.stop();
    }
  }
  console.log('protocol smoke check passed on both servers');

  const rows = [];
  const skipped = [];
  const notes = [];
  for (const scenario of buildScenarios(opts)) {
    console.log(`\n${scenario.id}: ${scenario.title}`);
    let values;
    const started = Date.now();
    try {
      values = await runScenario(scenario, opts, notes);
      console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (error) {
      // why: one broken scenario (e.g. a feature half-built in cablecar) must not cost the whole run.
      const text =
        error instanceof UnsupportedFlagError
          ? `${scenario.id}: cablecar does not support it yet (${error.message})`
          : `${scenario.id}: FAILED: ${error.message}`;
      console.log(`  skipped: ${text}`);
      skipped.push(text);
      continue;
    }
    for (const metric of scenario.metrics) {
      const ratio = values.cablecar[metric.key] / values.baseline[metric.key];
      rows.push({ scenario: scenario.title, ...metric, baseline: values.baseline[metric.key], cablecar: values.cablecar[metric.key], ratio, ...verdict(metric, ratio) });
    }
  }

  const report = renderReport(opts, rows, skipped, notes, (Date.now() - started) / 1000, [load0, loadAverage()]);
  console.log('\n' + report);
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, report);
  console.log(`written to ${opts.out}`);
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}
main().then(
  () => process.exit(0),
  (error) => {
    console.error(`bench failed: ${error.stack ?? error.message}`);
    killAll();
    process.exit(1);
  },
);
