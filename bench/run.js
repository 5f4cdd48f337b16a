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
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';
import { LoadPool } from './lib/load-pool.js';
import { killAll, startServer, UnsupportedFlagError } from './lib/processes.js';
import { fmt, median } from './lib/stats.js';
import { pubsubIdentifier, signJwt, turboIdentifier } from './lib/tokens.js';

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = join(BENCH, '..');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

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
    broadcasts: Number(value('broadcasts', 'BENCH_BROADCASTS', quick ? 30 : 80)),
    warmupBroadcasts: Number(value('warmup-broadcasts', 'BENCH_WARMUP_BROADCASTS', 5)),
    gapMs: Number(value('gap-ms', 'BENCH_GAP_MS', 20)),
    /** Turbo subscribe scenario: subscriptions per socket */
    turboPerClient: Number(value('turbo-per-client', 'BENCH_TURBO_PER_CLIENT', 5)),
    workers: Number(value('workers', 'BENCH_WORKERS', 1)),
    only: list(value('only', 'BENCH_ONLY', '')),
    // why: a quick run must not overwrite the committed full-run results
    out: value('out', 'BENCH_OUT', join(BENCH, 'results', quick ? 'quick.md' : 'latest.md')),
    deadlineMs: Number(value('deadline-s', 'BENCH_DEADLINE_S', quick ? 120 : 300)) * 1000,
  };
}

// ---------------------------------------------------------------- servers

const JWT_SECRET = 'bench-jwt-secret';
const TURBO_KEY = 'bench-turbo-key';

/** The two servers; scenarios add flags. Both bind 127.0.0.1 on a free port. */
const SERVERS = {
  cablecar: {
    script: join(ROOT, 'dist', 'main.js'),
    // why log_level info: the "cablecar listening ... port=N" line is logged at info; nothing on the hot path logs at info.
    args: ['--public', '--host', '127.0.0.1', '--port', '0', '--ping_interval', '0', '--log_level', 'info', '--ignore-config-path'],
  },
  baseline: {
    script: join(BENCH, 'baseline-server.js'),
    args: ['--host', '127.0.0.1', '--port', '0'],
  },
};

// ---------------------------------------------------------------- scenarios

/** Median VmRSS (KiB) of `samples` reads `everyMs` apart. */
async function settledRss(server, samples = 5, everyMs = 200) {
  const values = [];
  for (let i = 0; i < samples; i++) {
    values.push(server.rssKiB());
    await sleep(everyMs);
  }
  return median(values);
}

/** Open and close a few sockets so both servers have warmed up code paths before a measurement. */
async function warmUp(ctx, n = 100) {
  await ctx.load.open({ url: ctx.server.wsUrl, n, concurrency: ctx.opts.concurrency });
  await ctx.load.closeAll();
}

function requireAll(result, what) {
  if (result.failed > 0) throw new Error(`${result.failed} ${what} failed, e.g. ${result.firstErrors.join(' | ')}`);
}

/** Connections per second: start -> every socket welcomed, bounded concurrency. */
async function measureConnectRate(ctx, urlFor) {
  const { server, load, opts } = ctx;
  await warmUp(ctx);
  const cpu0 = server.cpuMs();
  const result = await load.open({ url: server.wsUrl, n: opts.conns, concurrency: opts.concurrency, urlFor });
  const cpu = server.cpuMs() - cpu0;
  requireAll(result, 'connections');
  return { rate: (opts.conns / result.ms) * 1000, cpuPerK: (cpu / opts.conns) * 1000 };
}

/** Subscribe `size` sockets to one stream and time `broadcasts` broadcasts to all of them. */
async function measureFanout(ctx, { size, identifier, stream, kind }) {
  const { server, load, opts } = ctx;
  requireAll(await load.open({ url: server.wsUrl, n: size, concurrency: opts.concurrency }), 'connections');
  const sub = await load.subscribe({ identifiers: [identifier], concurrency: opts.concurrency });
  requireAll(sub, 'subscriptions');
  if (sub.rejected) throw new Error(`${sub.rejected} subscriptions rejected`);
  const cpu0 = server.cpuMs();
  const r = await load.latency({ server, stream, kind, count: opts.broadcasts, skip: opts.warmupBroadcasts, gapMs: opts.gapMs });
  const cpu = server.cpuMs() - cpu0;
  if (r.delivered < r.expected) ctx.note(`${r.expected - r.delivered} of ${r.expected} deliveries missing (${r.timeouts} broadcasts timed out)`);
  return { p50: r.p50, p99: r.p99, max: r.max, cpuPerBroadcast: cpu / opts.broadcasts };
}

const latencyMetrics = (target) => [
  { key: 'p50', label: 'fan-out latency p50', unit: 'ms', better: 'lower' },
  { key: 'p99', label: 'fan-out latency p99', unit: 'ms', better: 'lower', target },
  { key: 'cpuPerBroadcast', label: 'server CPU per broadcast', unit: 'ms', better: 'lower' },
];

/**
 * The scenario list. Each entry: `id`, `title`, `flags` (extra args per server;
 * cablecar rejecting one with "unknown flag" skips the scenario), `metrics`
 * (`target` = bound on cablecar/baseline: `{max}` for lower-is-better, `{min}`
 * for higher-is-better), and `run(ctx)` returning values keyed like `metrics`.
 * `ctx` = { server: ServerHandle, load: LoadPool, opts, note(text) }.
 */
function buildScenarios(opts) {
  const list = [
    {
      id: 'connect',
      title: `Connect ${opts.conns} sockets (concurrency ${opts.concurrency})`,
      flags: { cablecar: [], baseline: [] },
      metrics: [
        { key: 'rate', label: 'connections/s to welcome', unit: 'conn/s', better: 'higher', target: { min: 0.8 } },
        { key: 'cpuPerK', label: 'server CPU per 1k connections', unit: 'ms', better: 'lower' },
      ],
      run: (ctx) => measureConnectRate(ctx),
    },
    {
      id: 'memory',
      title: `Idle memory, ${opts.memConns} welcomed sockets`,
      flags: { cablecar: [], baseline: [] },
      metrics: [{ key: 'perConn', label: 'RSS per idle connection', unit: 'KiB', better: 'lower', target: { max: 1.3 } }],
      async run(ctx) {
        const { server, load } = ctx;
        await warmUp(ctx);
        await sleep(1000);
        const before = await settledRss(server);
        requireAll(await load.open({ url: server.wsUrl, n: opts.memConns, concurrency: ctx.opts.concurrency }), 'connections');
        await sleep(1500);
        const after = await settledRss(server);
        ctx.note(`RSS ${fmt(before / 1024)} -> ${fmt(after / 1024)} MiB`);
        return { perConn: (after - before) / opts.memConns };
      },
    },
    ...opts.fanoutSizes.map((size) => ({
      id: `fanout-${size}`,
      title: `Broadcast fan-out, ${size} \`$pubsub\` subscribers on one stream`,
      flags: { cablecar: [], baseline: [] },
      metrics: latencyMetrics({ max: 1.3 }),
      run: (ctx) => measureFanout(ctx, { size, identifier: pubsubIdentifier('bench'), stream: 'bench', kind: 'json' }),
    })),
    {
      id: 'jwt-connect',
      title: `JWT connect: ${opts.conns} sockets with \`?jid=<HS256>\``,
      flags: { cablecar: ['--jwt_secret', JWT_SECRET], baseline: ['--jwt_secret', JWT_SECRET] },
      metrics: [
        { key: 'rate', label: 'connections/s to welcome', unit: 'conn/s', better: 'higher', target: { min: 0.8 } },
        { key: 'cpuPerK', label: 'server CPU per 1k connections', unit: 'ms', better: 'lower' },
      ],
      run(ctx) {
        const tokens = Array.from({ length: opts.conns }, (_, i) => signJwt(JWT_SECRET, { user: `gid://bench/User/${i}` }));
        return measureConnectRate(ctx, (i) => `${ctx.server.wsUrl}?jid=${tokens[i]}`);
      },
    },
    {
      id: 'turbo-subscribe',
      title: `Turbo subscribe: ${opts.conns} sockets x ${opts.turboPerClient} signed streams`,
      flags: turboFlags(),
      metrics: [{ key: 'rate', label: 'subscriptions confirmed/s', unit: 'sub/s', better: 'higher', target: { min: 0.8 } }],
      async run(ctx) {
        const { server, load } = ctx;
        requireAll(await load.open({ url: server.wsUrl, n: opts.conns, concurrency: opts.concurrency }), 'connections');
        const total = opts.conns * opts.turboPerClient;
        const identifiers = Array.from({ length: total }, (_, i) => turboIdentifier(TURBO_KEY, `bench:turbo:${i}`));
        const result = await load.subscribe({ identifiers, perClient: opts.turboPerClient, concurrency: opts.concurrency });
        requireAll(result, 'subscriptions');
        if (result.rejected) throw new Error(`${result.rejected} Turbo subscriptions rejected`);
        return { rate: (total / result.ms) * 1000 };
      },
    },
    ...opts.fanoutSizes.map((size) => ({
      id: `turbo-fanout-${size}`,
      title: `Broadcast fan-out, ${size} Turbo Streams subscribers on one stream`,
      flags: turboFlags(),
      metrics: latencyMetrics({ max: 1.3 }),
      run: (ctx) => measureFanout(ctx, { size, identifier: turboIdentifier(TURBO_KEY, 'bench:turbo'), stream: 'bench:turbo', kind: 'turbo' }),
    })),
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
    const res = await fetch(server.broadcastUrl, { method: 'POST', body: JSON.stringify({ stream: 'smoke', data: '{"a":1}' }) });
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

async function runSide(scenario, name, opts, notes) {
  const def = SERVERS[name];
  const server = await startServer({ name, script: def.script, args: [...def.args, ...scenario.flags[name]], cwd: ROOT });
  const load = new LoadPool(join(BENCH, 'load.js'), opts.workers);
  try {
    const ctx = { server, load, opts, note: (text) => notes.push(`${name}: ${text}`) };
    const started = Date.now();
    const values = await scenario.run(ctx);
    console.log(`  ${name.padEnd(8)} ${scenario.metrics.map((m) => `${m.key}=${fmt(values[m.key])}`).join(' ')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return values;
  } finally {
    await load.closeAll();
    await load.stop();
    await server.stop();
  }
}

function verdict(metric, ratio) {
  const t = metric.target;
  if (!t || Number.isNaN(ratio)) return { target: '—', status: '' };
  if (t.min !== undefined) return { target: `≥ ${t.min}x`, status: ratio >= t.min ? 'ok' : '**MISS**' };
  return { target: `≤ ${t.max}x`, status: ratio <= t.max ? 'ok' : '**MISS**' };
}

function machineInfo() {
  const rev = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { cwd: ROOT, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}; cablecar commit ${rev}`;
}

function renderReport(opts, rows, skipped, notes, seconds) {
  const lines = [
    `# cablecar vs plain \`ws\` baseline`,
    '',
    `- Date: ${new Date().toISOString()}; run took ${seconds.toFixed(0)} s (${opts.quick ? '--quick' : 'full'})`,
    `- Machine: ${machineInfo()}`,
    `- Load: ${opts.workers} client worker process(es); servers and clients share the machine's cores (see bench/README.md)`,
    `- Fan-out: ${opts.broadcasts} broadcasts per size, first ${opts.warmupBroadcasts} excluded as warm-up, ${opts.gapMs} ms gap after each completes; percentiles over every (broadcast, client) delivery`,
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

  // Smoke check both servers once: the baseline must speak the same subset cablecar does.
  for (const name of ['cablecar', 'baseline']) {
    const def = SERVERS[name];
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
    const values = {};
    try {
      // cablecar first: if it rejects the scenario's flags the baseline run is not wasted.
      values.cablecar = await runSide(scenario, 'cablecar', opts, notes);
      values.baseline = await runSide(scenario, 'baseline', opts, notes);
    } catch (error) {
      // why: one broken scenario (e.g. a feature half-built in cablecar) must not cost the whole run.
      const text =
        error instanceof UnsupportedFlagError
          ? `${scenario.id}: cablecar does not support it yet (${error.message})`
          : `${scenario.id}: FAILED on ${values.cablecar ? 'baseline' : 'cablecar'}: ${error.message}`;
      console.log(`  skipped: ${text}`);
      skipped.push(text);
      continue;
    }
    for (const metric of scenario.metrics) {
      const ratio = values.cablecar[metric.key] / values.baseline[metric.key];
      rows.push({ scenario: scenario.title, ...metric, baseline: values.baseline[metric.key], cablecar: values.cablecar[metric.key], ratio, ...verdict(metric, ratio) });
    }
  }

  const report = renderReport(opts, rows, skipped, notes, (Date.now() - started) / 1000);
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
