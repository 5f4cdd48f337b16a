/**
 * Remote V8 control through the inspector protocol (server started with
 * `--inspect=127.0.0.1:0`): lets the memory scenario force a full GC inside the
 * server under test and read its JS heap usage, with no change to the server.
 */
import { WebSocket } from 'ws';

export class InspectorSession {
  /** Connect to `ws://127.0.0.1:<port>/<uuid>` as printed in "Debugger listening on ...". */
  static async connect(url, timeoutMs = 5000) {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`inspector ${url}: no connection within ${timeoutMs} ms`)), timeoutMs);
      ws.once('open', () => (clearTimeout(timer), resolve()));
      ws.once('error', (e) => (clearTimeout(timer), reject(e)));
    });
    return new InspectorSession(ws);
  }

  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.waiting = new Map();
    ws.on('message', (data) => {
      const msg = JSON.parse(data.toString());
      const waiter = msg.id !== undefined && this.waiting.get(msg.id);
      if (!waiter) return;
      this.waiting.delete(msg.id);
      msg.error ? waiter.reject(new Error(msg.error.message)) : waiter.resolve(msg.result);
    });
    ws.on('error', () => undefined);
  }

  call(method, params = {}, timeoutMs = 10_000) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => (this.waiting.delete(id), reject(new Error(`${method} timed out`))), timeoutMs);
      this.waiting.set(id, { resolve: (v) => (clearTimeout(timer), resolve(v)), reject: (e) => (clearTimeout(timer), reject(e)) });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  /** Full (mark-compact) GC in the target. */
  collectGarbage() {
    return this.call('HeapProfiler.collectGarbage');
  }

  /** JS heap bytes in use. */
  async heapUsed() {
    return (await this.call('Runtime.getHeapUsage')).usedSize;
  }

  close() {
    this.ws.terminate();
  }
}
