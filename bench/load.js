/**
 * Load worker: a child process (forked by bench/lib/workers.js) holding `ws`
 * client sockets, so the client side runs on its own process, not inside the
 * server's event loop. Driven over IPC: `{id, op, ...}` -> `{id, ok, result|error}`;
 * it also emits `{event:'got', k}` when all its subscribers received broadcast k.
 *
 * Ops: open, subscribe, armLatency, post (HTTP, or Redis / NATS publish), collectLatency, closeAll, ping.
 */
import { request, Agent } from 'node:http';
import { WebSocket } from 'ws';

/** Wall-clock milliseconds comparable across processes on one host (same-process when sender == receiver). */
const clock = () => performance.timeOrigin + performance.now();
const STAMP = /k=(\d+);t=([\d.]+)/;
const PER_SOCKET_TIMEOUT_MS = 15_000;

/** @type {Client[]} */
let clients = [];
/** Latency recording state (see armLatency). */
let lat = null;

class Client {
  constructor(ws) {
    this.ws = ws;
    this.sid = '';
    /** identifier -> {resolve, reject} for subscribe replies in flight */
    this.pending = new Map();
    this.onPong = null;
  }

  onFrame(data) {
    const now = clock();
    if (lat !== null) {
      const text = data.toString();
      const m = STAMP.exec(text);
      if (m) return recordDelivery(Number(m[1]), now - Number(m[2]));
    }
    let msg;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      return;
    }
    if (msg.type === 'confirm_subscription' || msg.type === 'reject_subscription') {
      const waiter = this.pending.get(msg.identifier);
      if (waiter) {
        this.pending.delete(msg.identifier);
        waiter.resolve(msg.type === 'confirm_subscription');
      }
    } else if (msg.type === 'pong' && this.onPong) {
      this.onPong();
    }
  }
}

function recordDelivery(k, ms) {
  if (k >= lat.count) return;
  const got = lat.perBroadcast[k]++;
  if (got < lat.expected) lat.values[k * lat.expected + got] = ms;
  if (got + 1 === lat.expected) process.send({ event: 'got', k });
}

/** Open one socket (with a `Cookie` header when given) and resolve with a Client once welcomed. */
function openOne(url, cookie) {
  return new Promise((resolve, reject) => {
    const headers = cookie ? { Cookie: cookie } : undefined;
    // why: client-side cost is on the measurement path, so skip work the server side does not need from us.
    const ws = new WebSocket(url, ['actioncable-v1-json'], { perMessageDeflate: false, skipUTF8Validation: true, handshakeTimeout: PER_SOCKET_TIMEOUT_MS, headers });
    const client = new Client(ws);
    const timer = setTimeout(() => fail(new Error('no welcome within 15 s')), PER_SOCKET_TIMEOUT_MS);
    const fail = (error) => {
      clearTimeout(timer);
      ws.terminate();
      reject(error);
    };
    ws.on('error', (error) => fail(error));
    ws.on('close', (code) => fail(new Error(`closed before welcome (code ${code})`)));
    ws.once('message', (data) => {
      let msg;
      try {
        msg = JSON.parse(data.toString());
      } catch {
        msg = {};
      }
      if (msg.type !== 'welcome') return fail(new Error(`first frame was not a welcome: ${data.toString().slice(0, 120)}`));
      clearTimeout(timer);
      client.sid = msg.sid;
      ws.removeAllListeners('close');
      ws.on('close', () => client.pending.forEach((w) => w.reject(new Error('socket closed'))));
      ws.on('message', (d) => client.onFrame(d));
      resolve(client);
    });
  });
}

/** Run `total` tasks with at most `concurrency` in flight; returns {ms, failed, firstErrors}. */
async function bounded(total, concurrency, task) {
  const start = clock();
  let next = 0;
  let failed = 0;
  const firstErrors = [];
  async function lane() {
    while (next < total) {
      const i = next++;
      try {
        await task(i);
      } catch (error) {
        failed++;
        if (firstErrors.length < 3) firstErrors.push(error.message);
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return { ms: clock() - start, failed, firstErrors };
}

const ops = {
  /**
   * Open `urls.length` sockets (one URL each, e.g. per-client tokens) or `n` to `url`, each with
   * `cookies[i]` when given; time start -> all welcomes, plus each socket's own time to its welcome.
   */
  async open({ url, urls, cookies, n, concurrency }) {
    const count = urls ? urls.length : n;
    const opened = new Array(count);
    const connectMs = new Float64Array(count);
    const result = await bounded(count, concurrency, async (i) => {
      const start = clock();
      opened[i] = await openOne(urls ? urls[i] : url, cookies?.[i]);
      connectMs[i] = clock() - start;
    });
    clients.push(...opened.filter(Boolean));
    return { ...result, opened: count - result.failed, total: clients.length, connectMs };
  },

  /** Subscribe every open client to `identifiers[i % identifiers.length]` (or per-client lists); time to all replies. */
  async subscribe({ identifiers, perClient = 1, concurrency }) {
    const total = clients.length * perClient;
    let rejected = 0;
    const result = await bounded(total, concurrency, async (j) => {
      const client = clients[j % clients.length];
      const identifier = identifiers[j % identifiers.length];
      const confirmed = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no subscribe reply within 15 s')), PER_SOCKET_TIMEOUT_MS);
        client.pending.set(identifier, {
          resolve: (v) => (clearTimeout(timer), resolve(v)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
        client.ws.send(JSON.stringify({ command: 'subscribe', identifier }));
      });
      if (!confirmed) rejected++;
    });
    return { ...result, subscriptions: total, rejected };
  },

  /** Start recording deliveries of `count` broadcasts; each must reach all local clients. */
  async armLatency({ count }) {
    const expected = clients.length;
    lat = { count, expected, values: new Float64Array(count * expected), perBroadcast: new Int32Array(count) };
    return { expected };
  },

  /**
   * Send broadcast k with the current time stamped into its data: POST to `httpUrl`, or,
   * with `via` (bench/scale.js), PUBLISH on a Redis channel or a NATS subject, as Rails would.
   */
  async post({ httpUrl, k, kind, stream, via }) {
    const t = clock();
    const stamp = `k=${k};t=${t.toFixed(3)}`;
    const data =
      kind === 'turbo'
        ? JSON.stringify(`<turbo-stream action="append" target="messages"><template><div class="message">${stamp} hello from the bench</div></template></turbo-stream>`)
        : JSON.stringify({ stamp, user: 'bench', text: 'hello from the bench', at: Math.round(t) });
    if (via) return { status: await publishVia(via, JSON.stringify({ stream, data })) };
    const status = await postJson(httpUrl, JSON.stringify({ stream, data }));
    if (status !== 201) throw new Error(`POST /_broadcast answered ${status}`);
    return { status };
  },

  /** Return recorded latencies, plus delivery counts. */
  async collectLatency() {
    if (!lat) throw new Error('armLatency was not called');
    const { values, perBroadcast, expected, count } = lat;
    const kept = [];
    let delivered = 0;
    for (let k = 0; k < count; k++) {
      const got = Math.min(perBroadcast[k], expected);
      delivered += got;
      for (let i = 0; i < got; i++) kept.push(values[k * expected + i]);
    }
    lat = null;
    return { latencies: Float64Array.from(kept), delivered, expectedTotal: expected * count };
  },

  /** One client sends `{"command":"ping"}` and waits for the pong. */
  async ping() {
    const client = clients[0];
    if (!client) throw new Error('no client open');
    const start = clock();
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no pong within 5 s')), 5000);
      client.onPong = () => (clearTimeout(timer), (client.onPong = null), resolve());
      client.ws.send('{"command":"ping"}');
    });
    return { ms: clock() - start };
  },

  /** Close every socket and wait (bounded) for the closes. */
  async closeAll() {
    const closing = clients.map(
      (c) =>
        new Promise((resolve) => {
          if (c.ws.readyState === WebSocket.CLOSED) return resolve();
          c.ws.once('close', resolve);
          c.ws.close();
          setTimeout(() => (c.ws.terminate(), resolve()), 2000).unref();
        }),
    );
    const count = clients.length;
    clients = [];
    await Promise.all(closing);
    return { closed: count };
  },
};

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

/** Publishers by URL, connected on first use (only bench/scale.js uses them). */
const publishers = new Map();

/** Publish `body` as anycable-rb's Redis or NATS adapter does: `via` = {engine: 'redis'|'nats', url, channel}. */
async function publishVia({ engine, url, channel }, body) {
  let publisher = publishers.get(url);
  if (!publisher) {
    if (engine === 'redis') {
      const { Redis } = await import('ioredis');
      const redis = new Redis(url);
      publisher = { publish: (c, b) => redis.publish(c, b) };
    } else {
      const { connect } = await import('@nats-io/transport-node');
      const nc = await connect({ servers: url });
      publisher = { publish: async (c, b) => nc.publish(c, b) };
    }
    publishers.set(url, publisher);
  }
  await publisher.publish(channel, body);
  return 'published';
}

function postJson(url, body) {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('POST timed out')));
    req.on('error', reject);
    req.end(body);
  });
}

process.on('message', async (msg) => {
  const op = ops[msg.op];
  try {
    if (!op) throw new Error(`unknown op ${msg.op}`);
    process.send({ id: msg.id, ok: true, result: await op(msg) });
  } catch (error) {
    process.send({ id: msg.id, ok: false, error: error.message });
  }
});
process.on('disconnect', () => process.exit(0));
