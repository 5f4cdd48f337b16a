/**
 * The Rails side of the RPC bench: a gRPC server for service `anycable.RPC`
 * (the `rpc.proto` cablecar ships in dist/), answering as anycable-rails does
 * for a cookie-authenticated app with one `ChatChannel`: Connect reads the
 * `user` cookie and sends the welcome, subscribe streams `chat_<room>` and sends
 * the confirmation, Disconnect succeeds. Plain JS in its own process, so its
 * CPU is not the server's; it does no application work, so the numbers are
 * cablecar's RPC path plus the gRPC round trip, not Ruby's.
 *
 *   node bench/lib/rpc-rails-server.js   prints "rails-rpc stats=<http port> listening port=<grpc port>"
 *
 * `GET http://127.0.0.1:<stats>/stats` answers {calls, maxInFlight}; `POST /reset` zeroes them.
 */
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const definition = protoLoader.loadSync(join(ROOT, 'dist', 'rpc', 'rpc.proto'), { keepCase: false, longs: Number, enums: Number, defaults: true, arrays: true });
const { anycable } = grpc.loadPackageDefinition(definition);

const SUCCESS = 1;
const FAILURE = 2;
const UNAUTHORIZED = '{"type":"disconnect","reason":"unauthorized","reconnect":false}';
const stats = { calls: { connect: 0, command: 0, disconnect: 0 }, inFlight: 0, maxInFlight: 0 };

/** Count a call in flight around `answer` (answered on the next tick, as a real server would after I/O). */
function counted(method, answer) {
  return (call, callback) => {
    stats.calls[method]++;
    stats.maxInFlight = Math.max(stats.maxInFlight, ++stats.inFlight);
    setImmediate(() => {
      stats.inFlight--;
      callback(null, answer(call));
    });
  };
}

function userOf(cookie = '') {
  const pair = cookie.split(';').map((p) => p.trim()).find((p) => p.startsWith('user='));
  return pair ? decodeURIComponent(pair.slice(5)) : '';
}

const handlers = {
  Connect: counted('connect', (call) => {
    const user = userOf(call.request.env?.headers?.cookie);
    if (!user) return { status: FAILURE, transmissions: [UNAUTHORIZED] };
    const sid = call.metadata.get('sid')[0];
    return { status: SUCCESS, identifiers: JSON.stringify({ current_user: `gid://bench/User/${user}` }), transmissions: [JSON.stringify({ type: 'welcome', sid })], env: { cstate: { user }, istate: {} } };
  }),
  Command: counted('command', (call) => {
    const { command, identifier } = call.request;
    if (command !== 'subscribe') return { status: SUCCESS };
    const room = JSON.parse(identifier).room;
    return { status: SUCCESS, streams: [`chat_${room}`], transmissions: [JSON.stringify({ identifier, type: 'confirm_subscription' })], env: { cstate: {}, istate: { room: String(room) } } };
  }),
  Disconnect: counted('disconnect', () => ({ status: SUCCESS })),
};

const server = new grpc.Server();
server.addService(anycable.RPC.service, handlers);
const grpcPort = await new Promise((resolve, reject) =>
  server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
);
const http = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/reset') {
    stats.calls = { connect: 0, command: 0, disconnect: 0 };
    stats.maxInFlight = stats.inFlight;
  }
  res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ calls: stats.calls, maxInFlight: stats.maxInFlight }));
});
await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
console.log(`rails-rpc stats=${http.address().port} listening port=${grpcPort}`);
process.on('SIGTERM', () => process.exit(0));
