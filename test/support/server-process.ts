/** cablecar as its own OS process, started the way a user or an image starts it, for packaging tests. */
import { spawn, type SpawnOptions } from 'node:child_process';
import { waitFor } from './raw-client.js';

/** A running cablecar process: its port, its output so far, and a bounded stop. */
export interface ServerProcess {
  readonly port: number;
  output(): string;
  /** SIGTERM, then SIGKILL after `timeoutMs`; resolves to the exit code or signal name. */
  stop(timeoutMs?: number): Promise<string>;
}

/** Spawn `command args` and wait (at most `timeoutMs`) until it logs "cablecar listening ... port=N". */
export async function startServerProcess(command: string, args: string[], options: SpawnOptions & { cwd: string }, timeoutMs = 15_000): Promise<ServerProcess> {
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let exit: string | undefined;
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve((exit = `${code ?? signal}`))));
  child.once('error', (error) => {
    out += `\nspawn error: ${error.message}`;
    exit = 'spawn error';
  });
  const port = await waitFor(() => {
    if (exit !== undefined) throw new Error(`${command} exited (${exit}) before listening`);
    return /cablecar listening .*port=(\d+)/.exec(out)?.[1];
  }, timeoutMs, `${command} to listen`).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\noutput so far:\n${out}`);
  });
  return {
    port: Number(port),
    output: () => out,
    stop: async (stopTimeoutMs = 10_000) => {
      if (exit !== undefined) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
