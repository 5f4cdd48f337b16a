/**
 * The package as npm ships it: `npm pack` (whose prepack builds dist/), the
 * tarball installed into a fresh project, and the `cablecar` bin npm links
 * there, run directly (so its shebang and file mode matter).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mustRun, npmFromCache } from '../support/commands.js';
import { startServerProcess } from '../support/server-process.js';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the cablecar npm package', () => {
  let root: string;
  let project: string;
  let bin: string;
  let packedFiles: string[];

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'cablecar-package-'));
    const [packed] = JSON.parse(mustRun('npm', ['pack', '--json', '--pack-destination', root], { cwd: REPO_ROOT, timeoutMs: 60_000 }).stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = packed.files.map((f) => f.path);
    project = join(root, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'cablecar-install-check', private: true }));
    npmFromCache(['install', '--no-audit', '--no-fund', join(root, packed.filename)], project);
    bin = join(project, 'node_modules/.bin/cablecar');
  }, 240_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('ships dist/ and config/ but no sources, tests or tooling', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['package.json', 'README.md', 'dist/main.js', 'config/anycable.example.toml']));
    expect(packedFiles.filter((path) => !/^(dist|config)\//.test(path) && !['package.json', 'README.md'].includes(path))).toEqual([]);
  });

  it('links a `cablecar` command that prints the help', () => {
    expect(mustRun(bin, ['--help'], { cwd: project, timeoutMs: 15_000 }).stdout).toMatch(/^Usage: cablecar /);
  });

  it('prints the effective config and issues tokens', () => {
    expect(mustRun(bin, ['--print-config', '--port', '9123', '--ignore-config-path'], { cwd: project, timeoutMs: 15_000 }).stdout).toContain('server.port = 9123');
    expect(mustRun(bin, ['token', '--identifiers', '{"user_id":1}', '--jwt_secret', 's', '--ignore-config-path'], { cwd: project, timeoutMs: 15_000 }).stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('exposes the public entries with their types, and nothing deeper', () => {
    const script = [
      "const api = await import('cablecar');",
      "const publisher = await import('cablecar/publisher');",
      "let deep = 'allowed';",
      "try { await import('cablecar/dist/errors.js'); } catch (error) { deep = error.code; }",
      "console.log(JSON.stringify({ channel: typeof api.CableChannel, module: typeof api.CablecarModule, publisher: typeof publisher.HttpPublisher, deep }));",
    ].join('\n');
    const out = mustRun(process.execPath, ['--input-type=module', '-e', script], { cwd: project, timeoutMs: 15_000 }).stdout;
    expect(JSON.parse(out)).toEqual({ channel: 'function', module: 'function', publisher: 'function', deep: 'ERR_PACKAGE_PATH_NOT_EXPORTED' });
    expect(packedFiles).toEqual(expect.arrayContaining(['dist/index.d.ts', 'dist/publisher/index.d.ts', 'dist/channels/subscription-context.d.ts']));
  });

  it('starts with only its production dependencies and answers the health check', async () => {
    const server = await startServerProcess(bin, ['--public', '--host', '127.0.0.1', '--port', '0', '--ignore-config-path'], { cwd: project, env: process.env });
    try {
      const res = await fetch(`http://127.0.0.1:${server.port}/health`, { signal: AbortSignal.timeout(5000) });
      expect([res.status, await res.text()]).toEqual([200, expect.stringContaining('stayin')]);
    } finally {
      expect(['0', 'SIGTERM']).toContain(await server.stop());
    }
  });
});
