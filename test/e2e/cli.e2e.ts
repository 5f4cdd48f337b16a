/** The production entry point `node dist/main.js` (built by `npm test` before jest runs). */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDirMaker } from '../support/temp-dirs.js';

const main = join(process.cwd(), 'dist/main.js');
const tempDir = tempDirMaker('cablecar-cli-');
const run = (args: string[], env: Record<string, string> = {}, cwd = tempDir()) =>
  spawnSync(process.execPath, [main, ...args], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, encoding: 'utf8', timeout: 15000 });

describe('node dist/main.js', () => {
  it('refuses to start on bad config, listing every problem at once, exit code 2', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'anycable.toml'), 'mystery = true\n');
    const result = run(['--port', 'http', '--bogus'], { ANYCABLE_PING_INTERVAL: 'often' }, cwd);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/CABLE_ERR_CONFIG_INVALID/);
    expect(result.stderr).toMatch(/unknown key "mystery"/);
    expect(result.stderr).toMatch(/unknown flag --bogus/);
    expect(result.stderr).toMatch(/port \(--port\): expected an integer/);
    expect(result.stderr).toMatch(/ping_interval \(env ANYCABLE_PING_INTERVAL\): expected a number/);
  });

  it('--print-config prints the effective config with secrets redacted, honouring env over file', () => {
    const cwd = tempDir();
    writeFileSync(join(cwd, 'anycable.toml'), 'secret = "file-secret-value"\n[server]\nport = 9100\n');
    const result = run(['--print-config'], { ANYCABLE_PORT: '9200' }, cwd);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('server.port = 9200');
    expect(result.stdout).toContain('secret = "[REDACTED]"');
    expect(result.stdout).not.toContain('file-secret-value');
  });

  it('--help lists the options', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/--ping_interval/);
  });
});
