/**
 * A counting fake of the Rails side of AnyCable HTTP-RPC (anycable-rb
 * lib/anycable/httrpc/server.rb): `POST /connect`, `/command`, `/disconnect`
 * with JSON bodies, answered with SUCCESS and counted. Tests use it to prove
 * negative facts, e.g. "a Turbo subscribe makes zero RPC calls".
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The RPC methods anycable-go calls over HTTP. */
export type RpcMethod = 'connect' | 'command' | 'disconnect';

/** One received call. */
export interface RpcCall {
  method: RpcMethod;
  body: unknown;
  headers: IncomingMessage['headers'];
}

/** Builds the JSON reply for a call; the default answers SUCCESS (status 1) with a welcome on connect. */
export type RpcResponder = (call: RpcCall) => unknown;

const defaultResponder: RpcResponder = (call) => {
  switch (call.method) {
    case 'connect':
      return { status: 1, identifiers: '{"fake":true}', transmissions: ['{"type":"welcome"}'] };
    case 'command':
      return { status: 1, transmissions: [], streams: [] };
    case 'disconnect':
      return { status: 1 };
  }
};

/** See file comment. */
export class FakeRpcServer {
  readonly calls: RpcCall[] = [];

  private constructor(
    private readonly server: Server,
    /** Base URL for `--rpc_host` (e.g. `http://127.0.0.1:40123`). */
    readonly url: string,
  ) {}

  /** Listen on 127.0.0.1, port 0. */
  static async start(responder: RpcResponder = defaultResponder): Promise<FakeRpcServer> {
    let fake: FakeRpcServer | undefined;
    const server = createServer((req, res) => fake!.handle(req, res, responder));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new FakeRpcServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }

  /** Number of calls received, optionally for one method. */
  count(method?: RpcMethod): number {
    return method ? this.calls.filter((c) => c.method === method).length : this.calls.length;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.closeAllConnections();
      this.server.close(() => resolve());
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse, responder: RpcResponder): void {
    const method = (req.url ?? '').replace(/^.*\//, '').split('?')[0];
    if (req.method !== 'POST' || (method !== 'connect' && method !== 'command' && method !== 'disconnect')) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString() || 'null');
      } catch {
        res.writeHead(422).end();
        return;
      }
      const call: RpcCall = { method, body, headers: req.headers };
      this.calls.push(call);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(responder(call)));
    });
  }
}
