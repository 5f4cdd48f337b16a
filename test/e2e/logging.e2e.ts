/**
 * What an operator reads: the one start-up line, a connection's life at debug,
 * refusals at info with their counters, and never a credential. The start-up
 * and secrecy checks run the real process (`node dist/main.js`) and read
 * everything it prints, stdout and stderr.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { Counters } from '../../src/metrics/counters.js';
import { startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient, waitFor } from '../support/raw-client.js';
import { startServerProcess, type ServerProcess } from '../support/server-process.js';
import { tempDirMaker } from '../support/temp-dirs.js';

const main = join(process.cwd(), 'dist/main.js');
const tempDir = tempDirMaker('cablecar-logging-');
const start = (args: string[]) =>
  startServerProcess(process.execPath, [main, '--host', '127.0.0.1', '--port', '0', '--ignore-config-path', ...args], { cwd: tempDir(), env: { PATH: process.env.PATH ?? '' } });
/** Text-format lines at `level` (`INFO `, `DEBUG`). */
const linesAt = (output: string, level: string) => output.split('\n').filter((line) => line.slice(25, 30).trim() === level);

describe('start-up log of node dist/main.js', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('prints one info line saying what is on and where, and no effective config or Nest module chatter at info', async () => {
    server = await start(['--public', '--broadcast_adapter', 'http', '--turbo_streams', '--turbo_streams_secret', 'turbo-key']);
    const info = linesAt(server.output(), 'INFO');
    const startup = info.filter((line) => line.includes('cablecar listening'));
    expect(startup).toHaveLength(1);
    expect(startup[0]).toContain(`host=127.0.0.1 port=${server.port} paths=/cable tls=off`);
    expect(startup[0]).toMatch(/identification=noauth channels=\$pubsub,Turbo::StreamsChannel broadcasters=http pubsub=none rpc="off \(public mode\)" metrics=off/);
    expect(server.output()).not.toContain('effective config');
    expect(info.filter((line) => /\[(InstanceLoader|NestFactory|RoutesResolver|NestApplication)\]/.test(line))).toEqual([]);
    expect(server.output()).not.toContain('turbo-key');
  }, 30_000);

  it('names RPC and its host when RPC is on, and the metrics path (the server may be down: the line is about what is configured)', async () => {
    server = await start(['--broadcast_adapter', 'http', '--rpc_host', 'http://127.0.0.1:9/_anycable', '--http_rpc_secret', 'rpc-secret-value', '--metrics_http', '/metrics']);
    const startup = linesAt(server.output(), 'INFO').filter((line) => line.includes('cablecar listening'));
    expect(startup).toHaveLength(1);
    expect(startup[0]).toMatch(/identification=rpc .*rpc="http http:\/\/127\.0\.0\.1:9\/_anycable" metrics=\/metrics/);
    expect(server.output()).not.toContain('rpc-secret-value');
  }, 30_000);
});

describe('a debug-level process with secrets, a JWT session with a cookie, and refusals', () => {
  const id = randomUUID();
  const secrets = {
    secret: `app-secret-${id}`,
    jwt: `jwt-secret-${id}`,
    broadcastKey: `broadcast-key-${id}`,
    redisPassword: `redis-pw-${id}`,
    cookie: `cookie-value-${id}`,
    origin: `origin-${id}.test`,
  };
  const token = issueToken({ identifiers: { user_id: 7 }, key: secrets.jwt, ttlSeconds: 60 });
  const badToken = issueToken({ identifiers: { user_id: 8 }, key: `wrong-key-${id}`, ttlSeconds: 60 });
  let server: ServerProcess;

  beforeAll(async () => {
    server = await start([
      '--log_level', 'debug', '--norpc', '--broadcast_adapter', 'http', '--pubsub', 'none', '--public_streams',
      '--secret', secrets.secret, '--jwt_secret', secrets.jwt, '--broadcast_key', secrets.broadcastKey,
      '--redis_url', `redis://:${secrets.redisPassword}@127.0.0.1:1/0`, '--allowed_origins', 'example.com',
    ]);
  }, 30_000);
  afterAll(() => server.stop());

  it('logs the effective config at debug, secrets redacted', () => {
    const output = server.output();
    expect(output).toContain('effective config');
    expect(output).toContain('secret = "[REDACTED]"');
    expect(output).toContain('redis.url = "[REDACTED]"');
  });

  it('follows a connection at debug (connected with its method, subscribed to a channel, closed with reason and duration) and logs no credential anywhere', async () => {
    const url = `ws://127.0.0.1:${server.port}/cable`;
    const headers = { Origin: 'https://example.com', Cookie: `_app_session=${secrets.cookie}` };
    const client = await RawClient.welcomed(`${url}?jid=${token}`, { headers });
    const sid = client.sid!;
    expect(await client.subscribe(pubsubIdentifier('room-1'))).toMatchObject({ type: 'confirm_subscription' });
    client.close();
    const closedLine = await waitFor(() => server.output().split('\n').find((line) => line.includes(`closed sid=${sid}`)), 5000, 'the closed line');
    expect(closedLine).toMatch(/DEBUG closed sid=\S+ reason="closed by client" durationMs=\d+/);
    const output = server.output();
    expect(output).toContain(`DEBUG connected sid=${sid} via=jwt`);
    expect(output).toContain(`DEBUG subscribed sid=${sid} channel=$pubsub`);

    const rejected = await RawClient.connect(`${url}?jid=${badToken}`, { headers });
    expect(await rejected.next()).toMatchObject({ type: 'disconnect', reason: 'unauthorized' });
    await expect(RawClient.connect(url, { headers: { Origin: `https://${secrets.origin}` } })).rejects.toThrow(/HTTP 403/);
    await waitFor(() => server.output().includes('upgrade refused: origin not allowed'), 5000, 'the refusal line');
    expect(server.output()).toMatch(/INFO  connection rejected sid=\S+ reason=unauthorized/);

    const everything = server.output();
    for (const [what, value] of Object.entries({ ...secrets, token, badToken, tokenSignature: token.split('.')[2] })) {
      expect({ what, found: everything.includes(value) }).toEqual({ what, found: false });
    }
  }, 30_000);
});

describe('refused upgrades and rejected connections: info line and counter', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', 'k', '--enforce_jwt', '--allowed_origins', 'example.com', '--max-conn', '1']);
  });
  afterAll(() => app.close());
  const counter = (name: string) => app.app.get(Counters).get(`rejected_connections_total:${name}`);
  const infoLines = (msg: string) => app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg && l.level === 'info');

  it('counts origin refusals, max-conn 503s and unauthorized connections, each logged at info', async () => {
    await expect(RawClient.connect(app.wsUrl(), { headers: { Origin: 'https://evil.test' } })).rejects.toThrow(/HTTP 403/);
    expect(counter('origin')).toBe(1);
    expect(infoLines('upgrade refused: origin not allowed')).toEqual([expect.objectContaining({ code: 'origin_not_allowed', origin: 'not in allowed_origins' })]);

    const held = await RawClient.welcomed(`${app.wsUrl()}?jid=${issueToken({ identifiers: { user_id: 1 }, key: 'k', ttlSeconds: 60 })}`, { headers: { Origin: 'https://example.com' } });
    await expect(RawClient.connect(app.wsUrl(), { headers: { Origin: 'https://example.com' } })).rejects.toThrow(/HTTP 503/);
    expect(counter('max_conn')).toBe(1);
    expect(infoLines('upgrade refused: max-conn reached')).toEqual([expect.objectContaining({ code: 'too_many_connections', maxConn: 1 })]);
    held.close();
    await held.closed();

    await waitFor(() => app.app.get(Counters).get('disconnects_total:closed by client') > 0, 3000, 'the held socket to be gone');
    const anonymous = await RawClient.connect(app.wsUrl(), { headers: { Origin: 'https://example.com' } });
    expect(await anonymous.next()).toMatchObject({ type: 'disconnect', reason: 'unauthorized' });
    expect(counter('unauthorized')).toBe(1);
    expect(infoLines('connection rejected')).toEqual([expect.objectContaining({ reason: 'unauthorized', detail: 'jwt: no token' })]);
  });
});
