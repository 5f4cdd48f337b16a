/**
 * Runs `test/fixtures/rpc/server.rb` (the Ruby gRPC echo server) for a test,
 * and tells whether Ruby with the `grpc` and `google-protobuf` gems is there:
 * tests skip with a loud warning locally when it is not, and fail under CI=true.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The Debian packages the Ruby wire-format test needs. */
export const RUBY_GRPC_PACKAGES = 'ruby ruby-grpc ruby-google-protobuf';

const SERVER_SCRIPT = fileURLToPath(new URL('../fixtures/rpc/server.rb', import.meta.url));

/** Whether `ruby` can load the gRPC runtime gems; the reason when it cannot. */
export function rubyGrpcAvailable(): { ok: true } | { ok: false; reason: string } {
  const probe = spawnSync('ruby', ['-e', "require 'grpc'; require 'google/protobuf'"], { timeout: 15_000, encoding: 'utf8' });
  if (probe.error) return { ok: false, reason: `ruby not runnable (${(probe.error as NodeJS.ErrnoException).code ?? probe.error.message})` };
  if (probe.status !== 0) return { ok: false, reason: `ruby cannot load grpc / google-protobuf: ${probe.stderr.trim().split('\n')[0]}` };
  return { ok: true };
}

/** `describe` when Ruby gRPC is present; otherwise a loud skip, or a failing test under CI=true. */
export function describeWithRubyGrpc(): jest.Describe {
  const available = rubyGrpcAvailable();
  if (available.ok) return describe;
  const message = `Ruby gRPC wire-format test needs \`apt-get install ${RUBY_GRPC_PACKAGES}\`: ${available.reason}`;
  if (process.env.CI === 'true') {
    return ((name: string) => describe(name, () => it('needs Ruby gRPC (CI=true)', () => {
      throw new Error(message);
    }))) as unknown as jest.Describe;
  }
  console.warn(`\n\n*** SKIPPING the Ruby gRPC wire-format test (it FAILS under CI=true). ${message} ***\n`);
  return describe.skip;
}

/** A running Ruby RPC server. */
export interface RubyRpcServer {
  /** `127.0.0.1:<port>` for `rpc_host`. */
  target: string;
  stop(): Promise<void>;
}

/** Start the server on a free port; fails after `timeoutMs` if it does not report ready. */
export function startRubyRpcServer(timeoutMs = 15_000): Promise<RubyRpcServer> {
  const child = spawn('ruby', [SERVER_SCRIPT, '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`ruby server did not start within ${timeoutMs} ms: ${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /LISTENING (\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      resolve({ target: `127.0.0.1:${match[1]}`, stop: () => stopChild(child) });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ruby server exited with ${code}: ${output}`));
    });
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
