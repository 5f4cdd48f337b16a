// Shared setup of the diagnostic tools (heap-diff.js, cpu-profile.js): one server
// started under the V8 inspector, an inspector session, and one load worker.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InspectorSession } from './inspector.js';
import { LoadPool } from './load-pool.js';
import { startServer } from './processes.js';

export const BENCH = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ROOT = join(BENCH, '..');

/** Script and flags of each server, as run.js starts them (public mode, no pings). */
const SERVERS = {
  cablecar: [process.env.CABLECAR_MAIN ?? join(ROOT, 'dist', 'main.js'), ['--public', '--host', '127.0.0.1', '--port', '0', '--ping_interval', '0', '--log_level', 'info', '--ignore-config-path']],
  baseline: [join(BENCH, 'baseline-server.js'), ['--host', '127.0.0.1', '--port', '0']],
};

/** Start `which` ('cablecar' | 'baseline') with the inspector on (plus `extraArgs`); returns { server, inspector, load }. */
export async function startInspected(which, extraArgs = []) {
  const entry = SERVERS[which];
  if (!entry) throw new Error(`unknown server ${which} (cablecar or baseline)`);
  const [script, args] = entry;
  const server = await startServer({ name: which, script, args: [...args, ...extraArgs], nodeArgs: ['--inspect=127.0.0.1:0'], cwd: ROOT });
  const inspector = await InspectorSession.connect(server.inspectorUrl);
  const load = new LoadPool(join(BENCH, 'load.js'), 1);
  return { server, inspector, load };
}
