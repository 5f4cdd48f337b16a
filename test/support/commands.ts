/** Running real commands (npm, the installed bin) from tests, each bounded by a timeout. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/** Run a command to completion; throws with its output when it fails or times out. */
export function mustRun(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: 'utf8', timeout: options.timeoutMs });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status ?? result.signal}`}):\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/**
 * `npm <args>` from npm's cache (--offline); only when the cache lacks something
 * (ENOTCACHED) again with --prefer-offline, which fetches just what is missing.
 */
export function npmFromCache(args: string[], cwd: string, timeoutMs = 100_000): void {
  const offline = spawnSync('npm', [...args, '--offline'], { cwd, encoding: 'utf8', timeout: timeoutMs });
  if (offline.status === 0) return;
  if (!offline.stderr.includes('ENOTCACHED')) throw new Error(`npm ${args.join(' ')} --offline failed (${offline.error?.message ?? `exit ${offline.status}`}):\n${offline.stderr}`);
  mustRun('npm', [...args, '--prefer-offline'], { cwd, timeoutMs });
}
