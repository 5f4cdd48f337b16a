/**
 * For e2e tests of the RPC fallback: the test Rails app served over gRPC or
 * HTTP (the same suites run against both), cablecar started against it, and
 * clients that log in with the `user` cookie.
 */
import { deriveSecret } from '../../src/config/app.options.js';
import { deriveHttpRpcSecret } from '../../src/rpc/http.rpc-client.js';
import { postBroadcast, startApp, type TestApp } from './app.js';
import { GrpcTestRpcServer } from './grpc-rpc-server.js';
import { HttpTestRpcServer } from './http-rpc-server.js';
import { RailsRpcApp } from './rails-rpc-app.js';
import { RawClient, type Frame } from './raw-client.js';

/** The application secret of the e2e apps: HTTP RPC's bearer token and the broadcast key are derived from it. */
export const APP_SECRET = 'rpc-e2e-secret';

/** The Authorization header of HTTP broadcasts (key derived from `APP_SECRET`). */
export const BROADCAST_AUTH = { Authorization: `Bearer ${deriveSecret(APP_SECRET, 'broadcast-cable')}` };

/** A test Rails app behind one RPC transport; `stop()` / `start()` take it down and bring it back on the same address. */
export interface RailsServer {
  readonly app: RailsRpcApp;
  /** The `rpc_host` value that reaches it. */
  readonly rpcHost: string;
  stop(): Promise<void>;
  start(): Promise<void>;
}

/** Start the test Rails app over gRPC. */
export async function grpcRails(app = new RailsRpcApp()): Promise<RailsServer> {
  const server = await GrpcTestRpcServer.start(app);
  return { app, rpcHost: server.target, stop: () => server.stop(), start: () => server.start() };
}

/** Start the test Rails app over HTTP RPC, checking the bearer token derived from `APP_SECRET` (as anycable-rails does). */
export async function httpRails(app = new RailsRpcApp()): Promise<RailsServer> {
  const server = await HttpTestRpcServer.start(app, { secret: deriveHttpRpcSecret(APP_SECRET) });
  return { app, rpcHost: server.url, stop: () => server.stop(), start: () => server.start() };
}

/** The transports every RPC e2e suite runs against, for `describe.each`. */
export const RPC_TRANSPORTS: ReadonlyArray<[string, (app?: RailsRpcApp) => Promise<RailsServer>]> = [
  ['gRPC', grpcRails],
  ['HTTP', httpRails],
];

/** cablecar with RPC to `rails`, the shared secret, and `flags`; the Rails app's broadcasts go to its HTTP broadcaster. */
export async function startRpcApp(rails: RailsServer, flags: string[] = []): Promise<TestApp> {
  const app = await startApp(['--rpc_host', rails.rpcHost, '--secret', APP_SECRET, ...flags]);
  rails.app.broadcaster = (stream, data) => void broadcast(app, stream, data);
  return app;
}

/** Post a broadcast with the derived key; fails the test unless it is accepted. */
export async function broadcast(app: TestApp, stream: string, data: string): Promise<void> {
  const res = await postBroadcast(app, { stream, data }, BROADCAST_AUTH);
  if (res.status !== 201) throw new Error(`broadcast refused: ${res.status} ${res.body}`);
}

/** Connect with cookies (and query / headers), wait for the welcome Rails sends. */
export function railsClient(app: TestApp, options: { cookie?: string; query?: string; headers?: Record<string, string> } = {}): Promise<RawClient> {
  const headers = { ...(options.cookie ? { Cookie: options.cookie } : {}), ...options.headers };
  return RawClient.welcomed(app.wsUrl(`/cable${options.query ? `?${options.query}` : ''}`), { headers });
}

/** `{channel, ...params}` as the Rails client builds an identifier. */
export const identifierOf = (channel: string, params: Record<string, unknown> = {}): string => JSON.stringify({ channel, ...params });

/** A `message` command performing `action` with `data`. */
export function perform(client: RawClient, identifier: string, action: string, data: Record<string, unknown> = {}): void {
  client.send({ command: 'message', identifier, data: JSON.stringify({ action, ...data }) });
}

/** Whether a frame is a broadcast carrying `{ data: value }`. */
export const carries = (value: unknown) => (frame: Frame): boolean => (frame.message as { data?: unknown } | undefined)?.data === value;
