import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveSecret, describeConfig, loadConfig, type ConfigOutcome } from '../../../src/config/load-config.js';
import { optionsTable, TABLE_BEGIN, TABLE_END } from '../../../src/config/options-table.js';
import { tempDirMaker } from '../../support/temp-dirs.js';

const emptyDir = tempDirMaker('cablecar-cfg-');

function ok(outcome: ConfigOutcome) {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome;
}

describe('loadConfig', () => {
  it('uses AnyCable defaults with no input', () => {
    const { config } = ok(loadConfig({ argv: [], env: {}, cwd: emptyDir() }));
    expect(config).toMatchObject({ host: 'localhost', port: 8080, path: ['/cable'], pingInterval: 3, maxMessageSize: 65536, wsMaxPendingSize: 1048576, noauth: false, public: false, broadcastAdapter: ['http'] });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('applies anycable.toml < env < CLI precedence', () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'anycable.toml'), '[server]\nport = 9001\nhost = "0.0.0.0"\n[app]\nping_interval = 5\n[ws]\npaths = ["/a", "/b"]\n');
    const { config } = ok(loadConfig({ argv: ['--port', '9003'], env: { ANYCABLE_PORT: '9002', ANYCABLE_PING_INTERVAL: '7' }, cwd }));
    expect(config.port).toBe(9003);
    expect(config.pingInterval).toBe(7);
    expect(config.host).toBe('0.0.0.0');
    expect(config.path).toEqual(['/a', '/b']);
  });

  it('accepts PORT, kebab/snake flags, --flag=value and bare booleans', () => {
    const { config } = ok(loadConfig({ argv: ['--max-conn=10', '--health_path', '/up', '--noauth', '--path', '/x,/y'], env: { PORT: '1234' }, cwd: emptyDir() }));
    expect(config).toMatchObject({ port: 1234, maxConn: 10, healthPath: '/up', noauth: true, path: ['/x', '/y'] });
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
    expect(ok(loadConfig({ argv: ['--ignore-config-path'], env: {}, cwd })).config.port).toBe(8080);
  });

  it('--public implies noauth and public streams; --debug sets the debug level', () => {
    const { config } = ok(loadConfig({ argv: ['--public', '--debug'], env: {}, cwd: emptyDir() }));
    expect(config).toMatchObject({ noauth: true, publicStreams: true, logLevel: 'debug' });
  });

  it('derives the broadcast key from secret as hex HMAC-SHA256 of "broadcast-cable", unless set', () => {
    expect(ok(loadConfig({ argv: ['--secret', 's3cr3t'], env: {}, cwd: emptyDir() })).config.broadcastKey).toBe(deriveSecret('s3cr3t', 'broadcast-cable'));
    expect(deriveSecret('s3cr3t', 'broadcast-cable')).toMatch(/^[0-9a-f]{64}$/);
    expect(ok(loadConfig({ argv: ['--secret', 's', '--broadcast_key', 'k'], env: {}, cwd: emptyDir() })).config.broadcastKey).toBe('k');
    expect(ok(loadConfig({ argv: ['--secret', 'none'], env: {}, cwd: emptyDir() })).config.secret).toBe('');
  });

  it('accepts the deprecated http_broadcast_secret with a warning', () => {
    const outcome = ok(loadConfig({ argv: [], env: { ANYCABLE_HTTP_BROADCAST_SECRET: 'old' }, cwd: emptyDir() }));
    expect(outcome.config.broadcastKey).toBe('old');
    expect(outcome.warnings.join()).toMatch(/deprecated/);
  });

  it('never prints secrets in the effective config', () => {
    const { config } = ok(loadConfig({ argv: ['--secret', 'topsecretvalue', '--print-config'], env: {}, cwd: emptyDir() }));
    const text = describeConfig(config);
    expect(text).not.toContain('topsecretvalue');
    expect(text).not.toContain(config.broadcastKey);
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
    expect(readme.slice(start + TABLE_BEGIN.length, end).trim()).toBe(optionsTable().trim());
    const docs = readFileSync(new URL('../../../docs/configuration.md', import.meta.url), 'utf8');
    expect(docs).toContain(optionsTable());
  });
});

describe('loadConfig compatibility details', () => {
  it('accepts secret lists as comma lists or TOML arrays, redacted when printed', () => {
    const cwd = emptyDir();
    writeFileSync(join(cwd, 'anycable.toml'), '[streams]\nsecret_previous = ["old-one", "older-one"]\n');
    const { config } = ok(loadConfig({ argv: ['--jwt_secret', 'current', '--jwt_secret_previous', 'a,b'], env: {}, cwd }));
    expect(config.streamsSecretPrevious).toEqual(['old-one', 'older-one']);
    expect(config.jwtSecretPrevious).toEqual(['a', 'b']);
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
