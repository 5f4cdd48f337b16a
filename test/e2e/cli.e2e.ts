/** The production entry point `node dist/main.js` (built by `npm test` before jest runs). */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../support/raw-client.js';
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

  it('refuses to start when a signed-streams switch has no key (exit code 2, the option named)', () => {
    const result = run(['--turbo_streams', '--ignore-config-path']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('turbo_streams: on, but no Turbo key is set');
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

  it('warns at start about unknown ANYCABLE_* variables, before listening, and still starts', async () => {
    const env = { PATH: process.env.PATH ?? '', ANYCABLE_PORTT: '1', ANYCABLE_PRESETS: 'fly', ANYCABLE_HTTP_BROADCAST_URL: 'http://rails/_broadcast' };
    const child = spawn(process.execPath, [main, '--public', '--host', '127.0.0.1', '--port', '0', '--ignore-config-path'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await waitFor(() => out.includes('cablecar listening'), 15000, 'server start');
      const listening = out.indexOf('cablecar listening');
      for (const warning of [
        'ANYCABLE_PORTT is not a cablecar option; did you mean ANYCABLE_PORT?',
        'ANYCABLE_PRESETS is an anycable-go option cablecar does not support yet',
        'ANYCABLE_HTTP_BROADCAST_URL is read by the Rails side (anycable-rails), ignored here',
      ]) {
        expect(out).toContain(warning);
        expect(out.indexOf(warning)).toBeLessThan(listening);
      }
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  }, 30000);
});
