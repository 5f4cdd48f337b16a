import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CAPABILITIES, loadCableConfig as loadConfig } from '../../../src/capabilities.js';
import { deriveSecret } from '../../../src/config/app.options.js';
import { describeConfig } from '../../../src/config/describe-config.js';
import type { ConfigOutcome } from '../../../src/config/load-config.js';
import { optionsTable, TABLE_BEGIN, TABLE_END } from '../../../src/config/options-table.js';
import { tempDirMaker } from '../../support/temp-dirs.js';

const emptyDir = tempDirMaker('cablecar-cfg-');

function ok<C extends ConfigOutcome>(outcome: C): Extract<C, { kind: 'ok' }> {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome as Extract<C, { kind: 'ok' }>;
}

describe('loadConfig', () => {
  it('uses AnyCable defaults with no input', () => {
    const { config } = ok(loadConfig({ argv: [], env: {}, cwd: emptyDir() }));
    expect(config.settings.server).toMatchObject({ host: 'localhost', port: 8080, paths: ['/cable'] });
    expect(config.settings.ws).toMatchObject({ pingIntervalSeconds: 3, maxMessageSize: 65536, maxPendingSize: 1048576 });
    expect(config.settings.app).toMatchObject({ noauth: false, public: false });
    expect(config.options.broadcast.broadcastAdapter).toEqual(['http', 'redis']);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('applies anycable.toml < env < CLI precedence', () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'anycable.toml'), '[server]\nport = 9001\nhost = "0.0.0.0"\n[app]\nping_interval = 5\n[ws]\npaths = ["/a", "/b"]\n');
    const { config } = ok(loadConfig({ argv: ['--port', '9003'], env: { ANYCABLE_PORT: '9002', ANYCABLE_PING_INTERVAL: '7' }, cwd }));
    expect(config.settings.server).toMatchObject({ port: 9003, host: '0.0.0.0', paths: ['/a', '/b'] });
    expect(config.settings.ws.pingIntervalSeconds).toBe(7);
  });

  it('accepts PORT, kebab/snake flags, --flag=value and bare booleans', () => {
    const { config } = ok(loadConfig({ argv: ['--max-conn=10', '--health_path', '/up', '--noauth', '--path', '/x,/y'], env: { PORT: '1234' }, cwd: emptyDir() }));
    expect(config.settings.server).toMatchObject({ port: 1234, maxConn: 10, healthPath: '/up', paths: ['/x', '/y'] });
    expect(config.settings.app.noauth).toBe(true);
  });

  it('reports every problem at once, naming the option', () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'anycable.toml'), 'bogus_key = 1\n[server]\nport = "eighty"\n');
    const outcome = loadConfig({ argv: ['--ping_interval', 'soon', '--nope', '--log_level', 'loud'], env: { ANYCABLE_MAX_MESSAGE_SIZE: '-5' }, cwd });
    expect(outcome.kind).toBe('invalid');
    const problems = (outcome as { problems: string[] }).problems.join('\n');
    expect(problems).toMatch(/unknown key "bogus_key"/);
    expect(problems).toMatch(/port .*expected an integer/);
    expect(problems).toMatch(/ping_interval .*expected a number/);
    expect(problems).toMatch(/unknown flag --nope/);
    expect(problems).toMatch(/log_level/);
    expect(problems).toMatch(/max_message_size/);
  });

  it('fails on a missing explicit config file and on invalid TOML', () => {
    expect(loadConfig({ argv: ['--config-path', '/nonexistent.toml'], env: {}, cwd: emptyDir() }).kind).toBe('invalid');
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'anycable.toml'), 'port = = 1');
    expect(loadConfig({ argv: [], env: {}, cwd }).kind).toBe('invalid');
    expect(ok(loadConfig({ argv: ['--ignore-config-path'], env: {}, cwd })).config.settings.server.port).toBe(8080);
  });

  it('--public implies noauth and public streams; --debug sets the debug level', () => {
    const { config } = ok(loadConfig({ argv: ['--public', '--debug'], env: {}, cwd: emptyDir() }));
    expect(config.settings.app.noauth).toBe(true);
    expect(config.settings.streams.pubsub.publicStreams).toBe(true);
    expect(config.settings.logging.level).toBe('debug');
    expect(config.settings.broadcast.http?.auth).toEqual({ kind: 'public' });
    // --print-config and ConfigService show the implied values, as anycable-go does
    expect(config.options).toMatchObject({ app: { noauth: true }, streams: { publicStreams: true }, logging: { logLevel: 'debug' } });
  });

  it('derives the broadcast key from secret as hex HMAC-SHA256 of "broadcast-cable", unless set', () => {
    const auth = (argv: string[]) => ok(loadConfig({ argv, env: {}, cwd: emptyDir() })).config.settings.broadcast.http?.auth;
    expect(auth(['--secret', 's3cr3t'])).toEqual({ kind: 'key', key: deriveSecret('s3cr3t', 'broadcast-cable') });
    expect(deriveSecret('s3cr3t', 'broadcast-cable')).toMatch(/^[0-9a-f]{64}$/);
    expect(auth(['--secret', 's', '--broadcast_key', 'k'])).toEqual({ kind: 'key', key: 'k' });
    expect(auth([])).toEqual({ kind: 'disabled' });
    expect(ok(loadConfig({ argv: ['--secret', 'none'], env: {}, cwd: emptyDir() })).config.settings.app.secret).toBe('');
  });

  it('accepts the deprecated http_broadcast_secret with a warning', () => {
    const outcome = ok(loadConfig({ argv: [], env: { ANYCABLE_HTTP_BROADCAST_SECRET: 'old' }, cwd: emptyDir() }));
    expect(outcome.config.settings.broadcast.http?.auth).toEqual({ kind: 'key', key: 'old' });
    expect(outcome.warnings.join()).toMatch(/deprecated/);
  });

  it('never prints secrets in the effective config', () => {
    const { config } = ok(loadConfig({ argv: ['--secret', 'topsecretvalue', '--print-config'], env: {}, cwd: emptyDir() }));
    const text = describeConfig(config);
    expect(text).not.toContain('topsecretvalue');
    expect(text).not.toContain(deriveSecret('topsecretvalue', 'broadcast-cable'));
    expect(text).toContain('broadcast_key = "[REDACTED]"');
    expect(text).toContain('secret = "[REDACTED]"');
  });

  it('rejects cross-field conflicts', () => {
    const outcome = loadConfig({ argv: ['--path', '/cable', '--health-path', '/cable'], env: {}, cwd: emptyDir() });
    expect(outcome.kind).toBe('invalid');
  });
});

describe('README option table', () => {
  it('is the table generated from the schema (run `npm run docs` after changing options)', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf(TABLE_BEGIN);
    const end = readme.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + TABLE_BEGIN.length, end).trim()).toBe(optionsTable(CAPABILITIES).trim());
    const docs = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(docs).toContain(optionsTable(CAPABILITIES));
  });
});

describe('loadConfig compatibility details', () => {
  it('accepts secret lists as comma lists or TOML arrays, redacted when printed', () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'anycable.toml'), '[streams]\nsecret_previous = ["old-one", "older-one"]\n');
    const { config } = ok(loadConfig({ argv: ['--jwt_secret', 'current', '--jwt_secret_previous', 'a,b'], env: {}, cwd }));
    expect(config.options.streams.streamsSecretPrevious).toEqual(['old-one', 'older-one']);
    expect(config.options.jwt.jwtSecretPrevious).toEqual(['a', 'b']);
    const text = describeConfig(config);
    expect(text).not.toContain('old-one');
    expect(text).toContain('streams.secret_previous = "[REDACTED]"');
    expect(text).toContain('streams.turbo_secret_previous = []');
  });

  it("accepts AnyCable's no-op cleartext flags with a warning", () => {
    const outcome = ok(loadConfig({ argv: ['--turbo_rails_cleartext', '--cable_ready_cleartext'], env: {}, cwd: emptyDir() }));
    expect(outcome.warnings.join('\n')).toMatch(/--turbo_rails_cleartext has no effect/);
  });
});

describe('loadConfig slices', () => {
  it('resolves every slice once, deep-frozen', () => {
    const { config } = ok(loadConfig({ argv: ['--allowed_origins', 'a.example,b.example'], env: {}, cwd: emptyDir() }));
    expect(Object.keys(config.settings).sort()).toEqual(CAPABILITIES.map((c) => c.name).sort());
    for (const slice of Object.values(config.settings)) expect(Object.isFrozen(slice)).toBe(true);
    expect(Object.isFrozen(config.settings.server.allowedOrigins)).toBe(true);
    expect(Object.isFrozen(config.settings.streams.pubsub)).toBe(true);
    expect(Object.isFrozen(config.options.server)).toBe(true);
    expect(() => (config.settings.server.paths as string[]).push('/other')).toThrow(TypeError);
  });

  it('declares headers and identify_timeout with their AnyCable-style names', () => {
    const defaults = ok(loadConfig({ argv: [], env: {}, cwd: emptyDir() })).config.settings.server;
    expect(defaults).toMatchObject({ headers: ['cookie'], identifyTimeoutMs: 10000 });
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'anycable.toml'), '[rpc]\nproxy_headers = ["X-Api-Key"]\n[server]\nidentify_timeout = 0\n');
    expect(ok(loadConfig({ argv: [], env: {}, cwd })).config.settings.server).toMatchObject({ headers: ['x-api-key'], identifyTimeoutMs: 0 });
    const fromEnv = ok(loadConfig({ argv: ['--identify_timeout', '2.5'], env: { ANYCABLE_HEADERS: 'Cookie,X-Forwarded-For' }, cwd: emptyDir() })).config.settings.server;
    expect(fromEnv).toMatchObject({ headers: ['cookie', 'x-forwarded-for'], identifyTimeoutMs: 2500 });
    const bad = loadConfig({ argv: ['--headers', 'bad header', '--identify_timeout', '-1'], env: {}, cwd: emptyDir() });
    expect(bad.kind === 'invalid' && bad.problems.join('\n')).toMatch(/headers: headers must be HTTP header names[\s\S]*identify_timeout/);
  });

  it('reports rules across slices with the rest', () => {
    const outcome = loadConfig({ argv: ['--path', '/cable', '--http_broadcast_path', '/cable', '--ping_interval', 'x'], env: {}, cwd: emptyDir() });
    expect(outcome.kind === 'invalid' && outcome.problems).toEqual(['ping_interval (--ping_interval): expected a number, got "x"', 'http_broadcast_path: must differ from the WebSocket path']);
  });
});

describe('unknown ANYCABLE_* variables', () => {
  const warningsFor = (env: Record<string, string>) => ok(loadConfig({ argv: [], env, cwd: emptyDir() })).warnings;

  it('warns about each one, suggesting the option a near miss meant', () => {
    expect(warningsFor({ ANYCABLE_PORTT: '1', ANYCABLE_SECRT: 'x', ANYCABLE_BOGUS_THING: 'y' })).toEqual([
      'ANYCABLE_BOGUS_THING is not a cablecar option; ignored',
      'ANYCABLE_PORTT is not a cablecar option; did you mean ANYCABLE_PORT?',
      'ANYCABLE_SECRT is not a cablecar option; did you mean ANYCABLE_SECRET?',
    ]);
  });

  it('names anycable-go options cablecar lacks and Rails-side options as such, not as typos', () => {
    expect(warningsFor({ ANYCABLE_NATS_SERVERS: 'nats://n:4222', ANYCABLE_PRESETS: 'fly', ANYCABLE_HTTP_BROADCAST_URL: 'http://x/_broadcast' })).toEqual([ // NATS_SERVERS is read (nats slice): no warning
      'ANYCABLE_HTTP_BROADCAST_URL is read by the Rails side (anycable-rails), ignored here',
      'ANYCABLE_PRESETS is an anycable-go option cablecar does not support yet; ignored',
    ]);
  });

  it('stays quiet about every variable it reads, and says the no-op ones do nothing', () => {
    const env = { ANYCABLE_PORT: '9', ANYCABLE_HEADERS: 'cookie', ANYCABLE_RPC_HOST: 'rails:50051', ANYCABLE_DISCONNECT_MODE: 'never', ANYCABLE_PROXY_COOKIES: 'a', ANYCABLE_JWT_ID_KEY: 'k', ANYCABLE_CONFIG_PATH: '', REDIS_URL: 'redis://r', PORTT: '1' };
    expect(warningsFor(env)).toEqual(['ANYCABLE_JWT_ID_KEY is deprecated, use ANYCABLE_JWT_SECRET']);
    expect(warningsFor({ ANYCABLE_TURBO_RAILS_CLEARTEXT: 'true' })).toEqual(['ANYCABLE_TURBO_RAILS_CLEARTEXT has no effect (as in AnyCable since 1.5.0): use $pubsub with public_streams instead']);
  });

  it('is a warning, never a refusal', () => {
    expect(loadConfig({ argv: [], env: { ANYCABLE_WHATEVER: '1' }, cwd: emptyDir() }).kind).toBe('ok');
  });
});
