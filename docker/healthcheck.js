/**
 * The image's HEALTHCHECK: GET the liveness path on the port cablecar is
 * configured with, read the way the server reads them (anycable.toml < env,
 * plus any flags given to this script), so ANYCABLE_PORT / PORT and
 * ANYCABLE_HEALTH_PATH are followed. Exits 0 on a 2xx answer, 1 otherwise.
 *
 *   node docker/healthcheck.js            (from the app directory, /app in the image)
 */
import { loadCableConfig } from '../dist/capabilities.js';

/** Wildcard listen addresses are checked through loopback. */
const LOOPBACK = { '0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1' };

const outcome = loadCableConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
if (outcome.kind !== 'ok') {
  console.log(`healthcheck: cannot read the configuration (${outcome.kind === 'invalid' ? outcome.problems.join('; ') : 'help requested'})`);
  process.exit(1);
}
const { host, port, healthPath } = outcome.config.settings.server;
const target = LOOPBACK[host] ?? host;
const url = `http://${target.includes(':') ? `[${target}]` : target}:${port}${healthPath}`;
try {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  console.log(`healthcheck: ${url} answered ${res.status}`);
  process.exit(res.ok ? 0 : 1);
} catch (error) {
  console.log(`healthcheck: ${url} failed: ${error.cause?.code ?? error.message}`);
  process.exit(1);
}
