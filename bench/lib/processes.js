/**
 * Child processes of the bench: servers under test and load workers. Every
 * child is registered so it is killed when the bench ends, fails or is interrupted.
 */
import { execSync, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const children = new Set();

/** Clock ticks per second for /proc/<pid>/stat CPU times. */
const CLK_TCK = (() => {
  try {
    return Number(execSync('getconf CLK_TCK', { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Kill every child still alive (synchronous: safe inside 'exit'). */
export function killAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Thrown when the server rejects a flag: the scenario needing it is skipped, not failed. */
/** Run a bench tool's `main`, killing every child process on exit or failure. */
export function runTool(main) {
  process.on('exit', killAll);
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      killAll();
      process.exit(1);
    },
  );
}

export class UnsupportedFlagError extends Error {}

/**
 * Start a server (`node <script> ...args`) and wait for its `listening ... port=<N>` line.
 * Rejects with UnsupportedFlagError when it exits complaining about an unknown flag.
 */
export function startServer({ name, script, args, nodeArgs = [], cwd, timeoutMs = 20_000 }) {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, [...nodeArgs, script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] }));
    let out = '';
    let err = '';
    let done = false;
    const finish = (fn, value) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      fn(value);
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(reject, new Error(`${name} did not report a port within ${timeoutMs} ms; output:\n${(out + err).slice(-2000)}`));
    }, timeoutMs);
    child.stdout.on('data', (chunk) => {
      if (done) return; // why: keep reading (so the pipe never fills) but stop buffering once started
      out += chunk;
      const match = /listening\b.*\bport=(\d+)/.exec(out);
      if (match) {
        const handle = new ServerHandle(name, child, Number(match[1]));
        // `--inspect` prints "Debugger listening on ws://..." to stderr before the app starts.
        handle.inspectorUrl = /Debugger listening on (ws:\/\/\S+)/.exec(err)?.[1];
        handle.startupOutput = out;
        finish(resolve, handle);
      }
    });
    child.stderr.on('data', (chunk) => {
      if (err.length < 20_000) err += chunk;
      if (done && !/Debugger|inspector|For help, see/.test(String(chunk))) process.stderr.write(`[${name}] ${chunk}`);
    });
    child.once('exit', (code, signal) => {
      const text = (out + err).slice(-2000);
      if (/unknown flag/i.test(text)) finish(reject, new UnsupportedFlagError(`${name} rejected its flags: ${text.trim().split('\n').filter((l) => /unknown flag/i.test(l)).join('; ')}`));
      else finish(reject, new Error(`${name} exited (code ${code}, signal ${signal}) before listening; output:\n${text}`));
    });
  });
}

/** A running server under test. */
export class ServerHandle {
  constructor(name, child, port) {
    this.name = name;
    this.child = child;
    this.port = port;
    this.pid = child.pid;
    this.wsUrl = `ws://127.0.0.1:${port}/cable`;
    this.broadcastUrl = `http://127.0.0.1:${port}/_broadcast`;
  }

  /** Resident set size in KiB from /proc/<pid>/status (VmRSS). */
  rssKiB() {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)[1]);
  }

  /** User + system CPU time consumed so far, in milliseconds (from /proc/<pid>/stat). */
  cpuMs() {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs = 3000) {
    const { child } = this;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

/** A forked load worker (bench/load.js) with request/response over IPC. */
export class Worker {
  constructor(script, index) {
    this.index = index;
    this.child = track(fork(script, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced' }));
    this.nextId = 1;
    this.waiting = new Map();
    this.listeners = new Set();
    this.child.on('message', (msg) => {
      if (msg.event) return this.listeners.forEach((fn) => fn(msg));
      const waiter = this.waiting.get(msg.id);
      if (!waiter) return;
      this.waiting.delete(msg.id);
      msg.ok ? waiter.resolve(msg.result) : waiter.reject(new Error(`worker ${index}: ${msg.error}`));
    });
    this.child.once('exit', (code) => {
      for (const waiter of this.waiting.values()) waiter.reject(new Error(`worker ${index} exited (code ${code})`));
      this.waiting.clear();
    });
  }

  /** Run one op in the worker; rejects after `timeoutMs`. */
  call(op, params = {}, timeoutMs = 60_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`worker ${this.index}: ${op} timed out after ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, {
        resolve: (v) => (clearTimeout(timer), resolve(v)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.child.send({ id, op, ...params });
    });
  }

  onEvent(fn) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  async stop() {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }
}
