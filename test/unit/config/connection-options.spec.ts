import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCableConfig as loadConfig } from '../../../src/capabilities.js';

function ok(outcome: ReturnType<typeof loadConfig>) {
  if (outcome.kind !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.config.options.server;
}

describe('connection options (headers, identify_timeout)', () => {
  it('defaults to the cookie header and a 10 s identification deadline', () => {
    expect(ok(loadConfig({ argv: ['--ignore-config-path'], env: {}, cwd: '/' }))).toMatchObject({ headers: ['cookie'], identifyTimeout: 10 });
  });

  it('reads anycable-go names: --headers / ANYCABLE_HEADERS / [rpc] proxy_headers, and [server] identify_timeout', () => {
    expect(ok(loadConfig({ argv: ['--ignore-config-path', '--headers', 'cookie,X-Api-Key', '--identify_timeout', '0'], env: {}, cwd: '/' }))).toMatchObject({ headers: ['cookie', 'X-Api-Key'], identifyTimeout: 0 });
    expect(ok(loadConfig({ argv: ['--ignore-config-path'], env: { ANYCABLE_HEADERS: 'authorization' }, cwd: '/' })).headers).toEqual(['authorization']);
    const cwd = mkdtempSync(join(tmpdir(), 'cablecar-cfg-'));
    try {
      writeFileSync(join(cwd, 'anycable.toml'), '[rpc]\nproxy_headers = ["cookie", "origin"]\n[server]\nidentify_timeout = 2.5\n');
      expect(ok(loadConfig({ argv: [], env: {}, cwd }))).toMatchObject({ headers: ['cookie', 'origin'], identifyTimeout: 2.5 });
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  it('refuses header names that are not HTTP tokens and a negative timeout, naming both', () => {
    const outcome = loadConfig({ argv: ['--ignore-config-path', '--headers', 'cookie,bad header', '--identify_timeout', '-1'], env: {}, cwd: '/' });
    expect(outcome.kind).toBe('invalid');
    const problems = outcome.kind === 'invalid' ? outcome.problems.join('\n') : '';
    expect(problems).toContain('headers');
    expect(problems).toContain('identify_timeout');
  });
});
