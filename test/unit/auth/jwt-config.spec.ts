import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCableConfig, type CableConfig } from '../../../src/capabilities.js';
import { describeConfig } from '../../../src/config/describe-config.js';
import { tempDirMaker } from '../../support/temp-dirs.js';
import { JWT_FIXTURES } from './jwt-fixtures.js';

const tempDir = tempDirMaker('cablecar-jwt-');

function load(argv: string[] = [], env: Record<string, string> = {}, toml?: string) {
  const cwd = tempDir();
  if (toml !== undefined) writeFileSync(join(cwd, 'anycable.toml'), toml);
  return loadCableConfig({ argv: toml === undefined ? ['--ignore-config-path', ...argv] : argv, env, cwd });
}

function ok(outcome: ReturnType<typeof load>): { config: CableConfig; warnings: string[] } {
  if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
  return outcome;
}

describe('JWT options', () => {
  it('has AnyCable defaults and is off without a secret', () => {
    const { settings } = ok(load()).config;
    expect([settings.jwt.param, settings.jwt.enforce, settings.jwt.leewayMs, settings.jwt.replayStore, settings.redis.url]).toEqual(['jid', false, 0, 'memory', 'redis://localhost:6379']);
    expect(settings.jwt.enabled).toBe(false);
  });

  it('reads CLI flags, ANYCABLE_ env and [jwt] TOML keys', () => {
    expect(ok(load(['--jwt_secret', 'a', '--jwt_param', 'tok', '--enforce_jwt'])).config.options.jwt).toMatchObject({ jwtSecret: 'a', jwtParam: 'tok', enforceJwt: true });
    expect(ok(load([], { ANYCABLE_JWT_SECRET: 'b', ANYCABLE_JWT_PARAM: 'p', ANYCABLE_ENFORCE_JWT: 'true' })).config.options.jwt).toMatchObject({ jwtSecret: 'b', jwtParam: 'p', enforceJwt: true });
    const fromToml = ok(load([], {}, '[jwt]\nsecret = "c"\nparam = "q"\nforce = true\nalgorithms = ["HS512"]\n[redis]\nurl = "redis://r:6379"\n')).config;
    expect(fromToml.options.jwt).toMatchObject({ jwtSecret: 'c', jwtParam: 'q', enforceJwt: true, jwtAlgorithms: ['HS512'] });
    expect(fromToml.settings.redis.url).toBe('redis://r:6379');
  });

  it('accepts the deprecated names with a warning each', () => {
    const cli = ok(load(['--jwt_id_key', 'k', '--jwt_id_param', 'p', '--jwt_id_enforce']));
    expect(cli.config.options.jwt).toMatchObject({ jwtSecret: 'k', jwtParam: 'p', enforceJwt: true });
    expect(cli.warnings).toEqual(['--jwt_id_key is deprecated, use --jwt_secret', '--jwt_id_param is deprecated, use --jwt_param', '--jwt_id_enforce is deprecated, use --enforce_jwt']);
    const env = ok(load([], { ANYCABLE_JWT_ID_KEY: 'k' }));
    expect(env.config.options.jwt.jwtSecret).toBe('k');
    expect(env.warnings).toEqual(['ANYCABLE_JWT_ID_KEY is deprecated, use ANYCABLE_JWT_SECRET']);
  });

  it('falls back to secret; none disables even when secret is set', () => {
    expect(ok(load(['--secret', 's'])).config.settings.jwt.hmacSecrets).toEqual([Buffer.from('s')]);
    const none = ok(load(['--secret', 's', '--jwt_secret', 'none'])).config.settings.jwt;
    expect(none.hmacSecrets).toEqual([]);
    expect(none.enabled).toBe(false);
  });

  it('takes REDIS_URL as an alias of redis_url, which the redis slice owns', () => {
    expect(ok(load([], { REDIS_URL: 'redis://elsewhere:6380' })).config.settings.redis.url).toBe('redis://elsewhere:6380');
    expect(ok(load(['--redis_url', 'redis://cli:1'], { REDIS_URL: 'redis://env:2' })).config.settings.redis.url).toBe('redis://cli:1');
    expect(Object.keys(ok(load()).config.settings.jwt)).not.toContain('redisUrl');
  });

  it('redacts JWT secrets and the Redis URL in the printed config', () => {
    const text = describeConfig(ok(load(['--jwt_secret', 'top-secret', '--jwt_secret_previous', 'old-one', '--redis_url', 'redis://:pw@h:6379'])).config);
    expect(text).not.toMatch(/top-secret|old-one|pw@h/);
    expect(text).toContain('jwt.secret = "[REDACTED]"');
  });

  it('derives the algorithm list from the configured keys', () => {
    const algs = (argv: string[]) => [...ok(load(argv)).config.settings.jwt.algorithms].sort();
    expect(algs(['--jwt_secret', 's'])).toEqual(['HS256', 'HS384', 'HS512']);
    expect(algs(['--jwt_public_key', join(JWT_FIXTURES, 'keys/ec256.pub.pem')])).toEqual(['ES256']);
    expect(algs(['--jwt_secret', 's', '--jwt_public_key', join(JWT_FIXTURES, 'keys/rsa.pub.pem'), '--jwt_algorithms', 'RS256,HS256'])).toEqual(['HS256', 'RS256']);
  });

  it('reports every JWT problem with the option name', () => {
    const outcome = load([
      '--enforce_jwt',
      '--jwt_secret_previous', 'old',
      '--jwt_algorithms', 'none,HS256',
      '--jwt_replay_store', 'disk',
      '--jwt_public_key', join(JWT_FIXTURES, 'keys/rsa-1024.pub.pem'),
      '--jwt_jwks_url', '/nonexistent/jwks.json',
    ]);
    expect(outcome.kind).toBe('invalid');
    const problems = outcome.kind === 'invalid' ? outcome.problems.join('\n') : '';
    for (const name of ['jwt_algorithms', 'jwt_replay_store', 'jwt_secret_previous', 'jwt_public_key: unsupported key type rsa', 'jwt_jwks_url: file /nonexistent/jwks.json does not exist']) expect(problems).toContain(name);
  });

  it('refuses enforce_jwt without any key and an allow-list no key can satisfy', () => {
    const enforce = load(['--enforce_jwt']);
    expect(enforce.kind === 'invalid' && enforce.problems).toEqual(['enforce_jwt: needs jwt_secret (or secret), jwt_public_key or jwt_jwks_url']);
    const mismatch = load(['--jwt_secret', 's', '--jwt_algorithms', 'RS256']);
    expect(mismatch.kind === 'invalid' && mismatch.problems).toEqual(['jwt_algorithms: none of RS256 can be verified with the configured keys']);
  });

  it('needs a Redis URL (from the redis slice) for a Redis replay store', () => {
    const outcome = load(['--jwt_secret', 's', '--jwt_single_use', '--jwt_replay_store', 'redis', '--redis_url', 'none', '--broadcast_adapter', 'http']);
    expect(outcome.kind === 'invalid' && outcome.problems).toEqual(['jwt_replay_store: redis needs redis_url']);
    expect(load(['--jwt_secret', 's', '--jwt_single_use', '--jwt_replay_store', 'redis']).kind).toBe('ok');
  });

  it('accepts an inline PEM public key', () => {
    const pem = '-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEA' + 'A'.repeat(43) + '=\\n-----END PUBLIC KEY-----';
    const outcome = load(['--jwt_public_key', pem]);
    expect(outcome.kind).toBe('ok');
  });
});
