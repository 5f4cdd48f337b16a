/**
 * Serves a `RailsRpcApp` over AnyCable HTTP RPC as anycable-rb's Rack app does
 * (lib/anycable/httrpc/server.rb): `POST /connect|command|disconnect` under a
 * mount path, `Authorization: Bearer <secret>` checked when a secret is set
 * (401), 404 for other paths or methods, 422 for an empty or unparsable body,
 * snake_case JSON both ways and integer statuses (or enum names, like older
 * Ruby builds, when `statusAs` says so). It reads the wire JSON itself rather
 * than through cablecar's encoder, so the client's encoding is checked.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { CommandMessage, ConnectionRequest, DisconnectRequest, RpcEnv, RpcMethod } from '../../src/rpc/rpc-messages.js';
import { RailsRpcApp, type ReceivedMeta } from './rails-rpc-app.js';

/** Options of the test HTTP RPC server. */
export interface HttpTestRpcServerOptions {
  /** Required bearer token; undefined = no check. */
  secret?: string;
  /** Mount path, as anycable-rails' `/_anycable`. */
  mountPath?: string;
  /** How `status` is written: integer (anycable-rb 1.6), enum name (1.5 on protobuf 3), or left out when ERROR. */
  statusAs?: 'integer' | 'name' | 'omit-defaults';
  /** Serve HTTPS with this certificate and key (PEM). */
  tls?: { cert: Buffer; key: Buffer };
}

const STATUS_NAMES = ['ERROR', 'SUCCESS', 'FAILURE'];
type Json = Record<string, unknown>;

/** See file comment. */
export class HttpTestRpcServer {
  /** Raw request bodies, in arrival order. */
  readonly bodies: Json[] = [];
  private server: Server | undefined;

  private constructor(
    readonly app: RailsRpcApp,
    private readonly options: HttpTestRpcServerOptions,
    public port: number,
  ) {}

  /** Listen on 127.0.0.1 (port 0 picks a free one). */
  static async start(app = new RailsRpcApp(), options: HttpTestRpcServerOptions = {}, port = 0): Promise<HttpTestRpcServer> {
    const server = new HttpTestRpcServer(app, options, port);
    await server.start();
    return server;
  }

  /** Base URL for `rpc_host`. */
  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}${this.options.mountPath ?? '/_anycable'}`;
  }

  /** (Re)start listening on the same port. */
  async start(): Promise<void> {
    if (this.server) return;
    const handler = (req: IncomingMessage, res: ServerResponse) => this.handle(req, res);
    const server: Server = this.options.tls ? createTlsServer({ cert: this.options.tls.cert, key: this.options.tls.key }, handler) : createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Go down hard: open connections are cut, new ones refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const prefix = `${this.options.mountPath ?? '/_anycable'}/`;
    const method = (req.url ?? '').startsWith(prefix) ? req.url!.slice(prefix.length) : '';
    if (req.method !== 'POST' || !['connect', 'command', 'disconnect'].includes(method)) {
      res.writeHead(404).end();
      return;
    }
    if (this.options.secret !== undefined && req.headers.authorization !== `Bearer ${this.options.secret}`) {
      res.writeHead(401).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: Json;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Json;
      } catch {
        res.writeHead(422).end();
        return;
      }
      this.bodies.push(body);
      void this.app.handle(method as RpcMethod, requestOf(method as RpcMethod, body), metaOf(req)).then((reply) => {
        if (res.destroyed) return;
        if (!reply.ok) res.writeHead(reply.fault.httpStatus).end(reply.fault.message);
        else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(this.encode(reply.response as unknown as Json)));
      });
    });
  }

  /** camelCase response → snake_case JSON with the chosen status spelling. */
  private encode(response: Json): Json {
    const out: Json = {};
    for (const [key, value] of Object.entries(response)) {
      if (value === undefined) continue;
      out[key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)] = value;
    }
    const status = response.status as number;
    if (this.options.statusAs === 'name') out.status = STATUS_NAMES[status];
    if (this.options.statusAs === 'omit-defaults') {
      if (status === 0) delete out.status;
      for (const [key, value] of Object.entries(out)) if (value === '' || value === false || (Array.isArray(value) && value.length === 0)) delete out[key];
    }
    return out;
  }
}

function envOf(raw: unknown): RpcEnv {
  const env = (raw ?? {}) as Json;
  return { url: (env.url as string) ?? '', headers: (env.headers as Record<string, string>) ?? {}, cstate: env.cstate as Record<string, string>, istate: env.istate as Record<string, string> };
}

/** The wire JSON read by hand: snake_case keys, absent = empty. */
function requestOf(method: RpcMethod, body: Json): ConnectionRequest | CommandMessage | DisconnectRequest {
  switch (method) {
    case 'connect':
      return { env: envOf(body.env) };
    case 'command':
      return {
        command: body.command as CommandMessage['command'],
        identifier: (body.identifier as string) ?? '',
        connectionIdentifiers: (body.connection_identifiers as string) ?? '',
        data: body.data as string | undefined,
        env: envOf(body.env),
      };
    case 'disconnect':
      return { identifiers: (body.identifiers as string) ?? '', subscriptions: (body.subscriptions as string[]) ?? [], env: envOf(body.env) };
  }
}

function metaOf(req: IncomingMessage): ReceivedMeta {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === 'string') raw[key] = value;
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    const name = key.startsWith('x-anycable-meta-') ? key.slice('x-anycable-meta-'.length) : undefined;
    if (name && name !== 'sid' && name !== 'protov') extra[name] = value;
  }
  return { sid: raw['x-anycable-meta-sid'], protov: raw['x-anycable-meta-protov'], extra, raw };
}
