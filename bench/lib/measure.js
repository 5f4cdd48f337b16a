/** Measurement helpers shared by the bench runners (run.js, rpc.js). */
import { execSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { median } from './stats.js';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Median VmRSS (KiB) of `samples` reads `everyMs` apart. */
export async function settledRss(server, samples = 5, everyMs = 200) {
  const values = [];
  for (let i = 0; i < samples; i++) {
    values.push(server.rssKiB());
    await sleep(everyMs);
  }
  return median(values);
}

/** Fail when any socket or subscription of a load step failed, quoting the first errors. */
export function requireAll(result, what) {
  if (result.failed > 0) throw new Error(`${result.failed} ${what} failed, e.g. ${result.firstErrors.join(' | ')}`);
}

/** One line about the machine and the commit, for reports. */
export function machineInfo(root) {
  const rev = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { cwd: root, encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  return `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}; cablecar commit ${rev}`;
}

/** The 1-minute load average, formatted (the machine is shared: this says how busy it was). */
export function loadAverage() {
  return loadavg()[0].toFixed(2);
}
