/**
 * TLS without a proxy: `ssl_cert` + `ssl_key` make the one port serve HTTPS and WSS. A throwaway
 * self-signed certificate is made with openssl for this run; clients trust exactly that certificate.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { loadCableConfig } from '../../src/capabilities.js';
import { startApp, type TestApp } from '../support/app.js';
import { describeWith } from '../support/describe-with.js';
import { pubsubIdentifier, waitFor, type Frame } from '../support/raw-client.js';
import { OPENSSL } from '../support/requirements.js';
import { tempDirMaker } from '../support/temp-dirs.js';

const tempDir = tempDirMaker('cablecar-tls-');

/** A self-signed certificate for 127.0.0.1 / localhost and its key, as files in a fresh directory. */
function selfSigned(name = 'server'): { certPath: string; keyPath: string; cert: Buffer } {
  const dir = tempDir();
  const certPath = join(dir, `${name}.pem`);
  const keyPath = join(dir, `${name}.key`);
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost', '-keyout', keyPath, '-out', certPath], { encoding: 'utf8', timeout: 20_000 });
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  return { certPath, keyPath, cert: readFileSync(certPath) };
}

/** An HTTPS request trusting only `ca`; resolves with status, Content-Type and body. */
function httpsRequest(url: string, ca: Buffer, method = 'GET', body?: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, ca, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Problems the config loader reports for `flags` (with --norpc, no config file). */
function configProblems(flags: string[]): string[] {
  const outcome = loadCableConfig({ argv: ['--ignore-config-path', '--norpc', ...flags], env: {}, cwd: process.cwd() });
  return outcome.kind === 'invalid' ? outcome.problems : [];
}

(await describeWith(OPENSSL))('TLS with ssl_cert and ssl_key', () => {
  let app: TestApp;
  let tls: ReturnType<typeof selfSigned>;
  beforeAll(async () => {
    tls = selfSigned();
    app = await startApp(['--public', '--ssl_cert', tls.certPath, '--ssl_key', tls.keyPath]);
  });
  afterAll(() => app.close());

  it('serves WSS: a client trusting the certificate subscribes and receives a broadcast POSTed over HTTPS', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${app.port}/cable`, ['actioncable-v1-json'], { ca: tls.cert });
    const frames: Frame[] = [];
    ws.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe('actioncable-v1-json');
    await waitFor(() => frames.find((f) => f.type === 'welcome'), 3000, 'welcome');
    const identifier = pubsubIdentifier('tls:1');
    ws.send(JSON.stringify({ command: 'subscribe', identifier }));
    await waitFor(() => frames.find((f) => f.type === 'confirm_subscription'), 3000, 'confirmation');
    const posted = await httpsRequest(`https://127.0.0.1:${app.port}/_broadcast`, tls.cert, 'POST', JSON.stringify({ stream: 'tls:1', data: '{"over":"tls"}' }), { 'Content-Type': 'application/json' });
    expect(posted.status).toBe(201);
    expect(await waitFor(() => frames.find((f) => f.identifier === identifier && f.message), 3000, 'broadcast')).toEqual({ identifier, message: { over: 'tls' } });
    ws.close();
  });

  it('serves /health over HTTPS and logs that TLS is on', async () => {
    const health = await httpsRequest(`https://127.0.0.1:${app.port}/health`, tls.cert);
    expect(health.status).toBe(200);
    expect(health.body).toMatch(/stayin' alive/);
    expect(app.logs.find((line) => line.includes('"cablecar listening"'))).toContain(`"tls":${JSON.stringify(tls.certPath)}`);
  });

  it('passes the image HEALTHCHECK script, which follows ssl_cert / ssl_key to HTTPS', async () => {
    const env = { PATH: process.env.PATH ?? '', ANYCABLE_SSL_CERT: tls.certPath, ANYCABLE_SSL_KEY: tls.keyPath, ANYCABLE_PORT: String(app.port), ANYCABLE_HOST: '127.0.0.1' };
    // why not spawnSync: the server runs in this process and must keep answering meanwhile.
    const { stdout } = await promisify(execFile)(process.execPath, ['docker/healthcheck.js', '--ignore-config-path', '--norpc'], { env, encoding: 'utf8', timeout: 15_000 });
    expect(stdout.trim()).toBe(`healthcheck: https://127.0.0.1:${app.port}/health answered 200`);
  });

  it('is refused by a client that does not trust the certificate (it is really TLS)', async () => {
    const ws = new WebSocket(`wss://127.0.0.1:${app.port}/cable`, ['actioncable-v1-json']);
    await expect(new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    })).rejects.toThrow(/self[- ]signed/i);
  });

  it('refuses half a pair, an unreadable file and a key that is not the certificate\'s, naming the option and path', () => {
    expect(configProblems(['--ssl_cert', tls.certPath])).toEqual(['ssl_key: required with ssl_cert (TLS needs both the certificate and its key)']);
    expect(configProblems(['--ssl_key', tls.keyPath])).toEqual(['ssl_cert: required with ssl_key (TLS needs both the certificate and its key)']);
    const missing = join(tempDir(), 'missing.pem');
    expect(configProblems(['--ssl_cert', missing, '--ssl_key', tls.keyPath])).toEqual([`ssl_cert: cannot read ${missing} (ENOENT)`]);
    const other = selfSigned('other');
    expect(configProblems(['--ssl_cert', tls.certPath, '--ssl_key', other.keyPath])).toEqual([`ssl_key: ${other.keyPath} is not the key of the certificate in ${tls.certPath}`]);
    const garbage = join(tempDir(), 'garbage.pem');
    writeFileSync(garbage, 'not a pem');
    expect(configProblems(['--ssl_cert', garbage, '--ssl_key', tls.keyPath])).toEqual([`ssl_cert: ${garbage} holds no PEM certificate`]);
    expect(configProblems(['--ssl_cert', tls.certPath, '--ssl_key', garbage])).toEqual([`ssl_key: ${garbage} holds no PEM private key (or it is encrypted, which is not supported)`]);
  });

  it('reads the pair from anycable.toml [server.ssl] cert_path / key_path (anycable server/config.go)', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'anycable.toml'), `[server.ssl]\ncert_path = ${JSON.stringify(tls.certPath)}\nkey_path = ${JSON.stringify(tls.keyPath)}\n`);
    const outcome = loadCableConfig({ argv: ['--norpc'], env: {}, cwd });
    expect(outcome.kind).toBe('ok');
    if (outcome.kind === 'ok') expect(outcome.config.settings.server.tls).toMatchObject({ certPath: tls.certPath, keyPath: tls.keyPath });
  });

  it('the real process stops with exit code 2 and the path when a file cannot be read (env names, as anycable-go)', () => {
    const missing = join(tempDir(), 'nope.key');
    const result = spawnSync(process.execPath, [join(process.cwd(), 'dist/main.js'), '--ignore-config-path', '--norpc'], {
      env: { PATH: process.env.PATH ?? '', ANYCABLE_SSL_CERT: tls.certPath, ANYCABLE_SSL_KEY: missing },
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('CABLE_ERR_CONFIG_INVALID');
    expect(result.stderr).toContain(`ssl_key: cannot read ${missing} (ENOENT)`);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
