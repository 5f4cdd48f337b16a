/**
 * Baseline for the bench: the same Action Cable protocol subset as cablecar's
 * public mode, written plainly on `ws` + node:http with no framework, so the
 * numbers show what the framework and abstractions cost.
 *
 *   node bench/baseline-server.js [--host 127.0.0.1] [--port 0]
 *     [--jwt_secret <s>] [--turbo_streams --turbo_streams_secret <key>]
 *
 * Protocol: welcome with sid on connect; `$pubsub` + `stream_name` subscribe ->
 * confirm_subscription; client ping -> pong; `POST /_broadcast` with
 * `{"stream","data"}` or an array -> fan-out (one encode per broadcast), 201.
 * Logs `baseline listening host=<h> port=<N>` once listening. Compression off.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const host = option('host', '127.0.0.1');
const port = Number(option('port', '0'));
const jwtSecret = option('jwt_secret', '');
const turboSecret = flag('turbo_streams') ? option('turbo_streams_secret', '') : '';

/** stream -> identifier -> Set<ws> */
const streams = new Map();

function hmacEquals(key, text, signature, encoding) {
  const expected = createHmac('sha256', key).update(text).digest();
  const given = Buffer.from(signature, encoding);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Plain HS256 check: signature, `exp`, and an `ext` string claim (anycable identity/jwt.go). */
function verifyJwt(token) {
  const parts = (token ?? '').split('.');
  if (parts.length !== 3) return 'unauthorized';
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    if (header.alg !== 'HS256' || !hmacEquals(jwtSecret, `${parts[0]}.${parts[1]}`, parts[2], 'base64url')) return 'unauthorized';
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    if (typeof claims.exp === 'number' && claims.exp <= Date.now() / 1000) return 'token_expired';
    return typeof claims.ext === 'string' ? null : 'unauthorized';
  } catch {
    return 'unauthorized';
  }
}

/** Turbo signed stream name: `base64(JSON)--hex HMAC-SHA256(key, base64)`; returns the stream or null. */
function verifyTurbo(signed) {
  if (!turboSecret || typeof signed !== 'string') return null;
  const at = signed.lastIndexOf('--');
  if (at < 0 || !hmacEquals(turboSecret, signed.slice(0, at), signed.slice(at + 2), 'hex')) return null;
  try {
    const name = JSON.parse(Buffer.from(signed.slice(0, at), 'base64').toString());
    return typeof name === 'string' ? name : null;
  } catch {
    return null;
  }
}

function streamFor(params) {
  if (params.channel === '$pubsub' && typeof params.stream_name === 'string' && params.stream_name) return params.stream_name;
  if (params.channel === 'Turbo::StreamsChannel') return verifyTurbo(params.signed_stream_name);
  return null;
}

function subscribe(ws, identifier) {
  let params;
  try {
    params = JSON.parse(identifier);
  } catch {
    params = {};
  }
  const stream = params && typeof params === 'object' ? streamFor(params) : null;
  if (!stream) return ws.send(JSON.stringify({ identifier, type: 'reject_subscription' }));
  if (ws.subs.has(identifier)) return;
  ws.subs.set(identifier, stream);
  let byIdentifier = streams.get(stream);
  if (!byIdentifier) streams.set(stream, (byIdentifier = new Map()));
  let sockets = byIdentifier.get(identifier);
  if (!sockets) byIdentifier.set(identifier, (sockets = new Set()));
  sockets.add(ws);
  ws.send(JSON.stringify({ identifier, type: 'confirm_subscription' }));
}

function unsubscribe(ws, identifier) {
  const stream = ws.subs.get(identifier);
  if (stream === undefined) return;
  ws.subs.delete(identifier);
  const byIdentifier = streams.get(stream);
  const sockets = byIdentifier?.get(identifier);
  if (!sockets) return;
  sockets.delete(ws);
  if (sockets.size === 0) byIdentifier.delete(identifier);
  if (byIdentifier.size === 0) streams.delete(stream);
}

function onCommand(ws, text) {
  let msg;
  try {
    msg = JSON.parse(text);
  } catch {
    return;
  }
  if (msg?.command === 'ping') ws.send('{"type":"pong"}');
  else if (msg?.command === 'subscribe' && typeof msg.identifier === 'string') subscribe(ws, msg.identifier);
  else if (msg?.command === 'unsubscribe' && typeof msg.identifier === 'string') unsubscribe(ws, msg.identifier);
}

function broadcast(item) {
  const byIdentifier = streams.get(item?.stream);
  if (!byIdentifier || typeof item.data !== 'string') return;
  let message;
  try {
    message = JSON.parse(item.data) ?? item.data;
  } catch {
    message = item.data;
  }
  for (const [identifier, sockets] of byIdentifier) {
    const frame = Buffer.from(JSON.stringify({ identifier, message })); // encoded once per broadcast
    for (const ws of sockets) ws.send(frame, { binary: false });
  }
}

const server = createServer((req, res) => {
  if (req.method !== 'POST' || req.url !== '/_broadcast') return res.writeHead(404).end();
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      return res.writeHead(400).end();
    }
    for (const item of Array.isArray(body) ? body : [body]) broadcast(item);
    res.writeHead(201).end();
  });
});

const wss = new WebSocketServer({
  server,
  path: '/cable',
  perMessageDeflate: false,
  handleProtocols: (offered) => (offered.has('actioncable-v1-json') ? 'actioncable-v1-json' : false),
});

wss.on('connection', (ws, req) => {
  ws.subs = new Map();
  ws.on('error', () => undefined);
  if (jwtSecret) {
    const reason = verifyJwt(new URL(req.url, 'http://x').searchParams.get('jid'));
    if (reason) {
      ws.send(JSON.stringify({ type: 'disconnect', reason, reconnect: false }));
      return ws.close(1000, 'Auth Failed');
    }
  }
  ws.on('message', (data) => onCommand(ws, data.toString()));
  ws.on('close', () => {
    for (const identifier of [...ws.subs.keys()]) unsubscribe(ws, identifier);
  });
  ws.send(JSON.stringify({ type: 'welcome', sid: randomBytes(16).toString('base64url').slice(0, 21) }));
});

server.listen(port, host, () => {
  process.stdout.write(`baseline listening host=${host} port=${server.address().port}\n`);
});
const stop = () => {
  for (const ws of wss.clients) ws.terminate();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
