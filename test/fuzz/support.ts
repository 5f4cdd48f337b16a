/**
 * Shared pieces of the property-based fuzz tests (test/fuzz): the run budget,
 * the invariants every run must keep (no crash, no error log, bystanders
 * served in order), cablecar as a child process, raw HTTP, and the signing
 * and mutation helpers for tokens and signed stream names.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import { join } from 'node:path';
import { runInThisContext } from 'node:vm';
import fc from 'fast-check';
import { postBroadcast } from '../support/app.js';
import { RawClient, waitFor, type Frame } from '../support/raw-client.js';

/** Runs per property: small in `npm test`, larger under `npm run fuzz` (`FUZZ_RUNS`). */
export const FUZZ_RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 25);

/** How long fast-check may keep shrinking after a property first fails (`FUZZ_SHRINK_MS`). */
export const SHRINK_BUDGET_MS = Number(process.env.FUZZ_SHRINK_MS) || 3_000;

/** Jest timeout for one property at the current budget (generous: shrinking a failure re-runs many cases). */
export const FUZZ_TIMEOUT_MS = 60_000 + FUZZ_RUNS * 300;

/** Longest one run may take before it counts as a failure (a hang is a finding, and fast-check shrinks it). */
const RUN_TIMEOUT_MS = 20_000;

/** fast-check parameters: `FUZZ_RUNS` scaled for expensive properties; `FUZZ_SEED` replays a reported failure. */
export function fuzzParameters<T>(scale = 1): fc.Parameters<T> {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  return { numRuns: Math.max(1, Math.round(FUZZ_RUNS * scale)), timeout: RUN_TIMEOUT_MS, ...(seed === undefined ? {} : { seed }) };
}

/** What the fuzz tests need from a running server, in process (`startApp`) or as a child. */
export interface CableTarget {
  wsUrl(path?: string): string;
  httpUrl(path: string): string;
  /** Captured log lines (JSON format). */
  readonly logs: string[];
}

/** Log lines at error level from `from` on (JSON lines; text-format lines are matched by their level word). */
export function errorLines(logs: readonly string[], from = 0): string[] {
  return logs.slice(from).filter((line) => {
    try {
      return (JSON.parse(line) as { level?: string }).level === 'error';
    } catch {
      return / ERROR /.test(line);
    }
  });
}

/**
 * Records uncaught exceptions and unhandled rejections on the real Node process.
 * Why `runInThisContext`: jest hands each test file a copy of `process` whose
 * listeners never fire; the main context's global is the real one.
 */
export class ProcessWatch {
  readonly events: string[] = [];
  private readonly real = runInThisContext('process') as NodeJS.Process;
  private readonly onException = (error: Error, origin: string) => this.events.push(`${origin}: ${error?.stack ?? error}`);
  private readonly onRejection = (reason: unknown) => this.events.push(`unhandledRejection: ${(reason as Error)?.stack ?? String(reason)}`);

  constructor() {
    // uncaughtExceptionMonitor observes without changing how jest reports the exception.
    this.real.on('uncaughtExceptionMonitor', this.onException);
    this.real.on('unhandledRejection', this.onRejection);
  }

  /** Remove the listeners. */
  stop(): void {
    this.real.off('uncaughtExceptionMonitor', this.onException);
    this.real.off('unhandledRejection', this.onRejection);
  }
}

/** How bystanders connect and how broadcasts are posted to the target. */
export interface BystanderOptions {
  /** Headers for the bystanders' upgrade (e.g. a JWT). */
  headers?: Record<string, string>;
  /** Headers for `POST /_broadcast` (e.g. the broadcast key). */
  broadcastHeaders?: Record<string, string>;
  /** How many bystander sockets. @default 2 */
  count?: number;
}

/**
 * Sockets subscribed to a public `$pubsub` stream nobody else knows; `pulse()`
 * posts the next numbered broadcast, `verify()` proves every one arrived, in order.
 */
export class Bystanders {
  private sent = 0;
  private verified = 0;
  private chain: Promise<void> = Promise.resolve();
  private readonly problems: string[] = [];

  private constructor(
    private readonly target: CableTarget,
    private readonly clients: RawClient[],
    private readonly stream: string,
    private readonly options: BystanderOptions,
  ) {}

  /** Connect and subscribe the bystanders. */
  static async join(target: CableTarget, options: BystanderOptions = {}): Promise<Bystanders> {
    const stream = `bystanders-${randomUUID()}`;
    const identifier = JSON.stringify({ channel: '$pubsub', stream_name: stream });
    const clients: RawClient[] = [];
    for (let i = 0; i < (options.count ?? 2); i++) {
      const client = await RawClient.welcomed(target.wsUrl(), { headers: options.headers });
      const answer = await client.subscribe(identifier);
      if (answer.type !== 'confirm_subscription') throw new Error(`bystander not confirmed: ${JSON.stringify(answer)}`);
      clients.push(client);
    }
    return new Bystanders(target, clients, stream, options);
  }

  /** Queue the next numbered broadcast; posts go one after another so their order is defined. */
  pulse(): void {
    const seq = ++this.sent;
    this.chain = this.chain.then(async () => {
      try {
        const res = await postBroadcast(this.target, { stream: this.stream, data: JSON.stringify({ seq }) }, this.options.broadcastHeaders);
        if (res.status !== 201) this.problems.push(`broadcast ${seq} answered ${res.status} ${res.body}`);
      } catch (error) {
        this.problems.push(`broadcast ${seq} failed: ${(error as Error).message}`);
      }
    });
  }

  /** Post a sentinel and check each bystander got every numbered broadcast since the last check, in order, then the sentinel. */
  async verify(): Promise<void> {
    await this.chain;
    expect(this.problems).toEqual([]);
    const expected = Array.from({ length: this.sent - this.verified }, (_, i) => this.verified + i + 1);
    const received = await framesBeforeSentinel(this.target, this.clients, this.stream, this.options.broadcastHeaders);
    for (const [i, frames] of received.entries()) {
      expect(frames.map((f) => (f.message as { seq?: number } | undefined)?.seq).filter((seq) => seq !== undefined)).toEqual(expected);
      expect(this.clients[i].closeCode).toBeUndefined();
    }
    this.verified = this.sent;
  }

  /** Close the sockets. */
  close(): void {
    for (const client of this.clients) client.close();
  }
}

/**
 * Broadcast a sentinel on `stream` and return, per client, the non-ping frames
 * that arrived before it: "everything sent before now has arrived", without sleeps.
 */
export async function framesBeforeSentinel(target: CableTarget, clients: readonly RawClient[], stream: string, headers?: Record<string, string>): Promise<Frame[][]> {
  const sentinel = randomUUID();
  const res = await postBroadcast(target, { stream, data: JSON.stringify({ sentinel }) }, headers);
  expect(res.status).toBe(201);
  const result: Frame[][] = [];
  for (const client of clients) {
    const frames: Frame[] = [];
    await client.next((frame) => {
      if ((frame.message as { sentinel?: string } | undefined)?.sentinel === sentinel) return true;
      // Server pings carry no identifier; a broadcast whose broadcast_type is "ping" does.
      if (frame.type !== 'ping' || frame.identifier !== undefined) frames.push(frame);
      return false;
    }, 10_000);
    result.push(frames);
  }
  return result;
}

/**
 * The invariants of every fuzz run against one target: no uncaught exception or
 * unhandled rejection, no error-level log line, bystanders served in order (and,
 * for a child process, the process still running).
 */
export class FuzzHarness {
  private logMark = 0;
  private eventMark = 0;

  private constructor(
    readonly target: CableTarget,
    readonly bystanders: Bystanders,
    private readonly watch: ProcessWatch,
  ) {}

  /** Start watching the process and join the bystanders. */
  static async start(target: CableTarget, options: BystanderOptions = {}): Promise<FuzzHarness> {
    return new FuzzHarness(target, await Bystanders.join(target, options), new ProcessWatch());
  }

  /**
   * Assert `run` holds for every generated value, checking the invariants after
   * each run (so fast-check shrinks on them too) and the bystanders at the end.
   */
  async check<T>(arbitrary: fc.Arbitrary<T>, run: (value: T) => Promise<void>, scale = 1): Promise<void> {
    this.begin();
    let firstFailure: number | undefined;
    await fc.assert(
      fc.asyncProperty(arbitrary, async (value) => {
        // why: shrinking a crash respawns the child (about a second each); past the budget the
        // remaining candidates are skipped, so the smallest failure found so far is reported.
        if (firstFailure !== undefined && Date.now() - firstFailure > SHRINK_BUDGET_MS) fc.pre(false);
        const logMark = this.target.logs.length;
        const eventMark = this.watch.events.length;
        try {
          if (this.target instanceof ChildCable) await this.target.revive();
          this.bystanders.pulse();
          await run(value);
          await this.expectStillRunning();
          expect(errorLines(this.target.logs, logMark)).toEqual([]);
          expect(this.watch.events.slice(eventMark)).toEqual([]);
        } catch (error) {
          firstFailure ??= Date.now();
          throw error;
        }
      }),
      fuzzParameters(scale),
    );
    await this.verify();
  }

  /** Start of a test: later checks look only at what happens from here on. */
  begin(): void {
    this.logMark = this.target.logs.length;
    this.eventMark = this.watch.events.length;
  }

  /** End of a test: bystanders got everything in order; no error log or process event since `begin()`. */
  async verify(): Promise<void> {
    await this.expectStillRunning();
    await this.bystanders.verify();
    expect(errorLines(this.target.logs, this.logMark)).toEqual([]);
    expect(this.watch.events.slice(this.eventMark)).toEqual([]);
  }

  /** Close the bystanders and stop watching. */
  stop(): void {
    this.bystanders.close();
    this.watch.stop();
  }

  private async expectStillRunning(): Promise<void> {
    if (this.target instanceof ChildCable) expect(await this.target.problem()).toBeUndefined();
  }
}

/**
 * cablecar as a child process (`node dist/main.js`, built by `npm test`), for
 * input that may crash the server: a crash then ends the child, not jest.
 */
export class ChildCable implements CableTarget {
  readonly logs: string[] = [];
  private child?: ChildProcess;
  private stderr = '';
  private port = 0;
  private exit?: string;

  private constructor(private readonly flags: readonly string[]) {}

  /** Spawn with `flags` (JSON debug logs on 127.0.0.1, port 0, no config file, no ANYCABLE_* env) and wait until it listens. */
  static async start(flags: readonly string[]): Promise<ChildCable> {
    const cable = new ChildCable(flags);
    await cable.spawn();
    return cable;
  }

  /**
   * Respawn in place (new port, same flags) unless the process is healthy, so
   * shrinking a crash can replay cases; a process that stopped answering is killed first.
   */
  async revive(): Promise<void> {
    if ((await this.problem()) === undefined) return;
    if (!this.exit) this.child?.kill('SIGKILL');
    await this.exitedWithin(5_000);
    await this.spawn();
  }

  /** Wait up to `ms` for the process to exit (a crash may surface a timer tick after its cause); true if it did. */
  async exitedWithin(ms: number): Promise<boolean> {
    return waitFor(() => this.exit, ms, 'the child to exit').then(
      () => true,
      () => false,
    );
  }

  /** Undefined while the server answers `/health`; otherwise what happened (exit status and the start of its stderr). */
  async problem(): Promise<string | undefined> {
    if (!this.exit) {
      try {
        const res = await fetch(this.httpUrl('/health'), { signal: AbortSignal.timeout(3_000) });
        if (res.ok && !this.exit) return undefined;
      } catch {
        // refused or timed out: look at the process below
      }
      await this.exitedWithin(3_000);
    }
    return `${this.exit ?? 'running but /health does not answer'}\n${this.stderr.split('\n').slice(0, 12).join('\n')}`;
  }

  wsUrl(path = '/cable'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  httpUrl(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The port the current process listens on. */
  get listenPort(): number {
    return this.port;
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  async close(): Promise<void> {
    if (!this.child || this.exit) return;
    this.child.kill('SIGTERM');
    try {
      await waitFor(() => this.exit, 5_000, 'the child to exit');
    } catch {
      this.child.kill('SIGKILL');
    }
  }

  private async spawn(): Promise<void> {
    const args = [join(process.cwd(), 'dist/main.js'), '--host', '127.0.0.1', '--port', '0', '--ignore-config-path', '--log_format', 'json', '--log_level', 'debug', ...this.flags];
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exit = undefined;
    this.stderr = '';
    const firstLine = this.logs.length;
    let pending = '';
    // Events of an earlier, crashed process must not touch the state of its replacement.
    const current = () => this.child === child;
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (pending + chunk).split('\n');
      pending = lines.pop()!;
      this.logs.push(...lines.filter(Boolean));
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      if (current()) this.stderr += chunk;
    });
    child.on('exit', (code, signal) => {
      if (current()) this.exit = `exited with ${signal ?? `code ${code}`}`;
    });
    const line = await waitFor(() => this.logs.slice(firstLine).find((l) => l.includes('"cablecar listening"')) ?? this.exit, 15_000, 'the child server to listen');
    if (this.exit) throw new Error(`cablecar child ${this.exit} before listening (is dist/ built? run npm run build):\n${this.stderr}`);
    this.port = (JSON.parse(line) as { port: number }).port;
  }
}

/** What came back for a hand-written HTTP request. */
export interface RawResponse {
  /** Status code of the response head, when one arrived. */
  status?: number;
  /** The response head (up to the blank line), or everything received when there was none. */
  head: string;
  /** Bytes received after the head (for a 101: the first WebSocket frames). */
  body: Buffer;
  /** True when the server closed the connection before we did. */
  closedByServer: boolean;
}

/**
 * Write `request` (a whole HTTP/1.1 request, by hand) to 127.0.0.1:`port` and
 * collect the answer until the server closes, the head plus `afterHeadBytes`
 * arrived, or `timeoutMs` passed; then drop the connection.
 */
export function rawRequest(port: number, request: string | Buffer, options: { afterHeadBytes?: number; timeoutMs?: number } = {}): Promise<RawResponse> {
  const { afterHeadBytes = 0, timeoutMs = 2_000 } = options;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    let done = false;
    const finish = (closedByServer: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const end = received.indexOf('\r\n\r\n');
      const head = (end >= 0 ? received.subarray(0, end) : received).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      resolve({ status: status ? Number(status) : undefined, head, body: end >= 0 ? received.subarray(end + 4) : Buffer.alloc(0), closedByServer });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end >= 0 && received.length - end - 4 >= afterHeadBytes) finish(false);
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    socket.write(request);
  });
}

/** base64url without padding (RFC 7515), as JWTs use. */
export const base64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/** A JWT signed with HMAC over `header.payload` exactly as given (objects are JSON-encoded; strings are used as the segment text). */
export function signJwt(header: object | string, payload: object | string, secret: string, hash: 'sha256' | 'sha384' | 'sha512' = 'sha256'): string {
  const segment = (part: object | string) => (typeof part === 'string' ? part : base64url(JSON.stringify(part)));
  const signingInput = `${segment(header)}.${segment(payload)}`;
  return `${signingInput}.${base64url(createHmac(hash, secret).update(signingInput).digest())}`;
}

/** A Rails `MessageVerifier` name: `base64(JSON(value)) + "--" + hex HMAC` (activesupport message_verifier.rb), written here independently of src/. */
export function signStreamName(value: unknown, key: string, options: { digest?: string; urlSafe?: boolean } = {}): string {
  const base64 = Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
  const data = options.urlSafe ? base64.replace(/\+/g, '-').replace(/\//g, '_') : base64;
  return `${data}--${createHmac(options.digest ?? 'sha256', key).update(data).digest('hex')}`;
}

/** One edit of a string. */
export type Edit = (text: string) => string;

const pick = (text: string, at: number): number => (text.length === 0 ? 0 : at % text.length);

/** Generic byte-level edits: bit flips, deletions, insertions, case flips, duplication, truncation (weighted: subtle first). */
export const genericEdit: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })).map(([at, bit]): Edit => (s) => {
      const i = pick(s, at);
      return s.length === 0 ? s : s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ (1 << bit)) + s.slice(i + 1);
    }),
  },
  { weight: 2, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 4 })).map(([at, n]): Edit => (s) => s.slice(0, pick(s, at)) + s.slice(pick(s, at) + n)) },
  {
    weight: 2,
    arbitrary: fc.tuple(fc.nat(), fc.constantFrom('=', '==', ' ', '\t', '.', '-', '_', '+', '/', 'A', '0', '%', '\u00e9', '\n')).map(([at, c]): Edit => (s) => s.slice(0, pick(s, at)) + c + s.slice(pick(s, at))),
  },
  {
    weight: 2,
    arbitrary: fc.nat().map((at): Edit => (s) => {
      const i = pick(s, at);
      const c = s.charAt(i);
      return s.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + s.slice(i + 1);
    }),
  },
  { weight: 1, arbitrary: fc.tuple(fc.nat(), fc.integer({ min: 1, max: 8 })).map(([at, n]): Edit => (s) => s.slice(0, pick(s, at) + n) + s.slice(pick(s, at))) },
  { weight: 1, arbitrary: fc.nat().map((at): Edit => (s) => s.slice(0, pick(s, at))) },
);

/** `original` changed by one to three edits (generic ones plus `extra`), never equal to it. */
export function mutationOf(original: string, extra?: fc.Arbitrary<Edit>): fc.Arbitrary<string> {
  const edit = extra ? fc.oneof(genericEdit, extra) : genericEdit;
  return fc
    .array(edit, { minLength: 1, maxLength: 3 })
    .map((edits) => edits.reduce((text, apply) => apply(text), original))
    .filter((mutant) => mutant !== original);
}
