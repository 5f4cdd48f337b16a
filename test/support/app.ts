/** Boots the real cablecar app on a free port for e2e tests. */
import { startCable, type RunningCable, type StartOptions } from '../../src/bootstrap.js';
import { loadCableConfig } from '../../src/capabilities.js';
import { CableLogger } from '../../src/logging/cable-logger.js';

/** A running test server plus its captured log lines. */
export interface TestApp extends RunningCable {
  wsUrl: (path?: string) => string;
  httpUrl: (path: string) => string;
  logs: string[];
}

/**
 * Whether a test asked for RPC: it names an RPC server (`--rpc_host`,
 * `ANYCABLE_RPC_HOST`) or sets `--norpc` itself.
 */
function asksForRpc(flags: readonly string[], env: Readonly<Record<string, string>>): boolean {
  return flags.some((flag) => /^--(rpc_host|norpc)\b/.test(flag)) || 'ANYCABLE_RPC_HOST' in env || 'ANYCABLE_NORPC' in env;
}

/**
 * Start cablecar with CLI-style flags (e.g. `['--public']`). Host is 127.0.0.1,
 * port 0, no config file is read; logs are captured in memory (debug level).
 * `options` adds Nest modules (test channels) or a fallback module.
 *
 * RPC is on by default in cablecar (anycable-go's `localhost:50051`), but a test
 * runs with `--norpc` unless it asks for RPC (`--rpc_host ...`, or `--norpc`
 * given explicitly): otherwise every connection without a token would try a
 * Rails app that is not there, and wait out the retry budget before closing.
 */
export async function startApp(flags: string[] = [], env: Record<string, string> = {}, options: Pick<StartOptions, 'imports' | 'fallback'> = {}): Promise<TestApp> {
  const outcome = loadCableConfig({
    argv: ['--host', '127.0.0.1', '--port', '0', '--ignore-config-path', ...httpOnlyUnlessSet(flags, env), ...(asksForRpc(flags, env) ? [] : ['--norpc']), ...flags],
    env,
    // why no temp directory: with --ignore-config-path loadConfig never reads cwd (no anycable.toml lookup).
    cwd: process.cwd(),
  });
  if (outcome.kind !== 'ok') throw new Error(`bad test config: ${JSON.stringify(outcome)}`);
  const logs: string[] = [];
  const logger = new CableLogger({ level: 'debug', format: 'json', write: (line) => logs.push(line) });
  const running = await startCable(outcome.config, { logger, ...options });
  return {
    ...running,
    logs,
    wsUrl: (path = '/cable') => `ws://127.0.0.1:${running.port}${path}`,
    httpUrl: (path) => `http://127.0.0.1:${running.port}${path}`,
  };
}

/**
 * `--broadcast_adapter http` unless the test chooses adapters itself: the default also
 * listens on Redis `__anycable__`, which tests that are not about Redis must not depend on.
 */
export function httpOnlyUnlessSet(flags: readonly string[], env: Record<string, string | undefined> = {}): string[] {
  const chosen = flags.some((flag) => flag.startsWith('--broadcast_adapter')) || env.ANYCABLE_BROADCAST_ADAPTER !== undefined;
  return chosen ? [] : ['--broadcast_adapter', 'http'];
}

/** POST a broadcast body (object or raw string) to the app. */
export async function postBroadcast(app: Pick<TestApp, 'httpUrl'>, body: unknown, headers: Record<string, string> = {}, path = '/_broadcast'): Promise<{ status: number; body: string }> {
  const res = await fetch(app.httpUrl(path), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}
