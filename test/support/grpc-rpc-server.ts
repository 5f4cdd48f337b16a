/**
 * Serves a `RailsRpcApp` over gRPC (`@grpc/grpc-js` server, service
 * `anycable.RPC` from the same `rpc.proto`), on 127.0.0.1. `stop()` then
 * `start()` takes it down and brings it back on the same port, for "Rails
 * down, then up" tests.
 */
import grpc from '@grpc/grpc-js';
import { GRPC_METHOD_NAMES, type RpcMethod } from '../../src/rpc/rpc-messages.js';
import { loadRpcProto } from '../../src/rpc/rpc-proto.js';
import { RailsRpcApp, type ReceivedCall, type ReceivedMeta } from './rails-rpc-app.js';

/** A server certificate and key (PEM) to serve TLS with. */
export interface TestServerTls {
  cert: Buffer;
  key: Buffer;
}

/** See file comment. */
export class GrpcTestRpcServer {
  private server: grpc.Server | undefined;

  private constructor(
    readonly app: RailsRpcApp,
    /** The bound port (kept across stop/start). */
    public port: number,
    private readonly tls?: TestServerTls,
  ) {}

  /** Listen on 127.0.0.1 (port 0 picks a free one), with TLS when `tls` is given. */
  static async start(app = new RailsRpcApp(), port = 0, tls?: TestServerTls): Promise<GrpcTestRpcServer> {
    const server = new GrpcTestRpcServer(app, port, tls);
    await server.start();
    return server;
  }

  /** `host:port` for `rpc_host`. */
  get target(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** (Re)start listening on the same port. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = new grpc.Server();
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const method of ['connect', 'command', 'disconnect'] as const) handlers[GRPC_METHOD_NAMES[method]] = this.handler(method);
    server.addService(loadRpcProto().service, handlers);
    const credentials = this.tls
      ? grpc.ServerCredentials.createSsl(null, [{ cert_chain: this.tls.cert, private_key: this.tls.key }], false)
      : grpc.ServerCredentials.createInsecure();
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${this.port}`, credentials, (error, port) => (error ? reject(error) : resolve(port))),
    );
    this.server = server;
  }

  /** Go down hard: open calls fail, new connections are refused. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    server?.forceShutdown();
  }

  private handler(method: RpcMethod): grpc.handleUnaryCall<ReceivedCall['request'], unknown> {
    return (call, callback) => {
      void this.app.handle(method, call.request, metaOf(call.metadata)).then((reply) => {
        if (reply.ok) callback(null, reply.response);
        else callback({ code: reply.fault.grpcCode, details: reply.fault.message } as grpc.ServiceError);
      });
    };
  }
}

function metaOf(metadata: grpc.Metadata): ReceivedMeta {
  const raw: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) raw[key] = String(value);
  const extra: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) if (key !== 'sid' && key !== 'protov' && !key.startsWith('grpc-') && key !== 'user-agent') extra[key] = value;
  return { sid: raw.sid, protov: raw.protov, extra, raw };
}
