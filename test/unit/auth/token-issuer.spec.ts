import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HMAC_ALGORITHMS, type JwtAlgorithm } from '../../../src/auth/jwt/jwt-algorithms.js';
import { JwtVerifier } from '../../../src/auth/jwt/jwt.verifier.js';
import { parsePemPublicKey, PublicKeySet } from '../../../src/auth/jwt/public-keys.js';
import { runTokenCommand } from '../../../src/auth/jwt/token.command.js';
import { loadCableConfig } from '../../../src/capabilities.js';
import { issueToken } from '../../../src/auth/jwt/token-issuer.js';
import { describeWith } from '../../support/describe-with.js';
import { RUBY_JWT } from '../../support/requirements.js';
import { keyFile } from './jwt-fixtures.js';

const decodeSegment = (token: string, index: number) => JSON.parse(Buffer.from(token.split('.')[index], 'base64url').toString());

/** Decode with Ruby's jwt gem (what anycable-rb uses), verifying signature and exp. */
function rubyDecode(token: string, key: string, alg: string): unknown {
  const script = 'require "jwt"; require "json"; print JSON.dump(JWT.decode(ARGV[0], ARGV[1], true, algorithm: ARGV[2]).first)';
  return JSON.parse(execFileSync('ruby', ['-e', script, token, key, alg], { timeout: 10_000 }).toString());
}

/** A directory with no anycable.toml, removed after the file's tests. */
const cwd = mkdtempSync(join(tmpdir(), 'cablecar-token-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

/** `cablecar token` with its output captured. */
async function runToken(argv: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runTokenCommand({ argv: ['--ignore-config-path', ...argv], env, cwd }, { write: (t) => out.push(t) }, { write: (t) => err.push(t) }, loadCableConfig);
  return { code, out: out.join(''), err: err.join('') };
}

describe('issueToken', () => {
  it('produces AnyCable::JWT.encode-shaped HS256 tokens: {"alg":"HS256"} and {ext, exp}', () => {
    const token = issueToken({ identifiers: { user_id: 42 }, key: 's3cret', ttlSeconds: 300, now: 1_700_000_000_000 });
    expect(decodeSegment(token, 0)).toEqual({ alg: 'HS256' });
    expect(decodeSegment(token, 1)).toEqual({ ext: '{"user_id":42}', exp: 1_700_000_300 });
  });

  it('round-trips through the verifier for every algorithm', () => {
    const cases: [JwtAlgorithm, string, string][] = [
      ['HS384', 'k', ''],
      ['HS512', 'k', ''],
      ['RS256', keyFile('rsa.pem'), 'rsa.pub.pem'],
      ['RS512', keyFile('rsa.pem'), 'rsa.pub.pem'],
      ['ES256', keyFile('ec256.pem'), 'ec256.pub.pem'],
      ['ES384', keyFile('ec384.pem'), 'ec384.pub.pem'],
      ['EdDSA', keyFile('ed25519.pem'), 'ed25519.pub.pem'],
    ];
    for (const [algorithm, key, pub] of cases) {
      const verifier = new JwtVerifier({
        algorithms: new Set<JwtAlgorithm>([...HMAC_ALGORITHMS, algorithm]),
        hmacSecrets: [Buffer.from('k')],
        publicKeys: new PublicKeySet(pub ? [parsePemPublicKey(keyFile(pub))] : []),
      });
      expect([algorithm, verifier.verify(issueToken({ identifiers: { a: 1 }, key, algorithm }))]).toEqual([algorithm, expect.objectContaining({ kind: 'valid', identifiers: '{"a":1}' })]);
    }
  });

  it('omits exp with ttl 0 and refuses identifiers that are not JSON', () => {
    expect(decodeSegment(issueToken({ identifiers: {}, key: 'k', ttlSeconds: 0 }), 1)).toEqual({ ext: '{}' });
    expect(() => issueToken({ identifiers: 'user 1', key: 'k' })).toThrow();
  });
});

describe('cablecar token command', () => {
  it('reads the secret from the environment (secret fallback too)', async () => {
    expect((await runToken(['--identifiers={"a":1}'], { ANYCABLE_SECRET: 'env-secret' })).code).toBe(0);
  });

  it('fails with a message when something is missing or wrong', async () => {
    expect(await runToken(['--identifiers', '{"a":1}'])).toMatchObject({ code: 2, err: expect.stringContaining('no JWT secret configured') });
    expect(await runToken(['--jwt_secret', 's'])).toMatchObject({ code: 2, err: expect.stringContaining('--identifiers is required') });
    expect(await runToken(['--identifiers', 'nope', '--jwt_secret', 's'])).toMatchObject({ code: 2, err: expect.stringContaining('must be JSON') });
    expect(await runToken(['--identifiers', '{}', '--ttl', '-1', '--jwt_secret', 's'])).toMatchObject({ code: 2, err: expect.stringContaining('--ttl') });
    expect(await runToken(['--identifiers', '{}', '--bogus'])).toMatchObject({ code: 2, err: expect.stringContaining('unknown flag --bogus') });
  });
});

const describeRubyJwt = await describeWith(RUBY_JWT);

describeRubyJwt('tokens checked by ruby-jwt (what anycable-rb decodes with)', () => {
  it('decodes and verifies an issueToken token, jti included', () => {
    const token = issueToken({ identifiers: '{"user":"gid://app/User/1"}', key: 's3cret', ttlSeconds: 60, jti: 'j1' });
    expect(rubyDecode(token, 's3cret', 'HS256')).toEqual({ ext: '{"user":"gid://app/User/1"}', exp: expect.any(Number), jti: 'j1' });
  });

  it('accepts the token `cablecar token` prints for the configured secret', async () => {
    const { code, out } = await runToken(['--identifiers', '{"user_id":42}', '--ttl', '300', '--jwt_secret', 'cli-secret']);
    expect(code).toBe(0);
    const token = out.trim();
    expect(rubyDecode(token, 'cli-secret', 'HS256')).toEqual({ ext: '{"user_id":42}', exp: expect.any(Number) });
    expect(decodeSegment(token, 1).exp - Math.floor(Date.now() / 1000)).toBeGreaterThan(295);
  });
});
