/**
 * The image's HEALTHCHECK: GET the liveness path on the port cablecar is
 * configured with, read the way the server reads them (anycable.toml < env,
 * plus any flags given to this script), so ANYCABLE_PORT / PORT and
 * ANYCABLE_HEALTH_PATH are followed (and HTTPS when ssl_cert / ssl_key are set). Exits 0 on a
 * 2xx answer, 1 otherwise.
 *
 *   node docker/healthcheck.js            (from the app directory, /app in the image)
 */
import https from 'node:https';
import { loadCableConfig } from '../dist/capabilities.js';

/** Wildcard listen addresses are checked through loopback. */
const LOOPBACK = { '0.0.0.0': '127.0.0.1', '::': '::1', '': '127.0.0.1' };

const outcome = loadCableConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
if (outcome.kind !== 'ok') {
  console.log(`healthcheck: cannot read the configuration (${outcome.kind === 'invalid' ? outcome.problems.join('; ') : 'help requested'})`);
  process.exit(1);
}
const { host, port, healthPath, tls } = outcome.config.settings.server;
const target = LOOPBACK[host] ?? host;
const url = `${tls ? 'https' : 'http'}://${target.includes(':') ? `[${target}]` : target}:${port}${healthPath}`;

/**
 * GET over TLS (ssl_cert / ssl_key set) without checking the certificate: this probe asks the
 * server in its own container over loopback, where the certificate's names never match; it
 * sends nothing secret and only reads the status.
 */
function tlsStatus(address) {
  return new Promise((resolve, reject) => {
    const req = https.get(address, { rejectUnauthorized: false, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

try {
  const status = tls ? await tlsStatus(url) : (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  console.log(`healthcheck: ${url} answered ${status}`);
  process.exit(status >= 200 && status < 300 ? 0 : 1);
} catch (error) {
  console.log(`healthcheck: ${url} failed: ${error.cause?.code ?? error.code ?? error.message}`);
  process.exit(1);
}
