/**
 * The AnyCable RPC messages (anycable etc/rpc.proto, mirrored in `rpc.proto`
 * beside this file) as TypeScript types. Field names are the camelCase forms
 * `@grpc/proto-loader` produces; the HTTP transport converts them to the
 * proto's snake_case spelling at its boundary (`http-rpc-json.ts`).
 */

/** `anycable.Status`: the application's verdict, numbered as on the wire. */
export const RpcStatus = { ERROR: 0, SUCCESS: 1, FAILURE: 2 } as const;
/** One of the three wire values of `anycable.Status`. */
export type RpcStatusCode = (typeof RpcStatus)[keyof typeof RpcStatus];

/** Whether `value` is one of the three `anycable.Status` wire values. */
export function isRpcStatusCode(value: unknown): value is RpcStatusCode {
  return value === 0 || value === 1 || value === 2;
}

/** `anycable.Env`: request URL, allow-listed headers, connection state and subscription state. */
export interface RpcEnv {
  url: string;
  headers: Record<string, string>;
  cstate?: Record<string, string>;
  istate?: Record<string, string>;
}

/** `anycable.EnvResponse`: state changes; an empty value deletes the key. */
export interface RpcEnvResponse {
  cstate: Record<string, string>;
  istate: Record<string, string>;
}

/** `anycable.PresenceResponse` (`join` / `leave`; `info` is a JSON string). */
export interface RpcPresenceResponse {
  type: string;
  id: string;
  info: string;
  ttl: number;
}

/** `anycable.ConnectionRequest`. */
export interface ConnectionRequest {
  env: RpcEnv;
}

/** `anycable.ConnectionResponse`. */
export interface ConnectionResponse {
  status: RpcStatusCode;
  identifiers: string;
  transmissions: string[];
  errorMsg: string;
  env?: RpcEnvResponse;
}

/** The `command` values anycable-go sends in `CommandMessage`. */
export type RpcCommandName = 'subscribe' | 'unsubscribe' | 'message';

/** `anycable.CommandMessage`. */
export interface CommandMessage {
  command: RpcCommandName;
  identifier: string;
  connectionIdentifiers: string;
  /** Only for `message`: the client's `data` string. */
  data?: string;
  env: RpcEnv;
}

/** `anycable.CommandResponse`. */
export interface CommandResponse {
  status: RpcStatusCode;
  disconnect: boolean;
  stopStreams: boolean;
  streams: string[];
  transmissions: string[];
  errorMsg: string;
  env?: RpcEnvResponse;
  stoppedStreams: string[];
  presence?: RpcPresenceResponse;
}

/** `anycable.DisconnectRequest`: one per closed connection, with all its subscriptions. */
export interface DisconnectRequest {
  identifiers: string;
  subscriptions: string[];
  env: RpcEnv;
}

/** `anycable.DisconnectResponse`. */
export interface DisconnectResponse {
  status: RpcStatusCode;
  errorMsg: string;
}

/** The three RPC methods, named as in the HTTP RPC paths. */
export type RpcMethod = 'connect' | 'command' | 'disconnect';

/** Request type of each method. */
export interface RpcRequests {
  connect: ConnectionRequest;
  command: CommandMessage;
  disconnect: DisconnectRequest;
}

/** Response type of each method. */
export interface RpcResponses {
  connect: ConnectionResponse;
  command: CommandResponse;
  disconnect: DisconnectResponse;
}

/** gRPC method names of service `anycable.RPC`. */
export const GRPC_METHOD_NAMES: Readonly<Record<RpcMethod, 'Connect' | 'Command' | 'Disconnect'>> = {
  connect: 'Connect',
  command: 'Command',
  disconnect: 'Disconnect',
};

/** Fill the defaults proto3 leaves out, so callers never test for `undefined` arrays. */
export function normalizeResponse<M extends RpcMethod>(method: M, raw: Partial<RpcResponses[M]> & { status: RpcStatusCode }): RpcResponses[M] {
  const r = raw as Record<string, unknown>;
  const list = (key: string): string[] => (Array.isArray(r[key]) ? (r[key] as string[]) : []);
  const text = (key: string): string => (typeof r[key] === 'string' ? (r[key] as string) : '');
  const env = r.env as Partial<RpcEnvResponse> | undefined | null;
  const envResponse = env ? { cstate: env.cstate ?? {}, istate: env.istate ?? {} } : undefined;
  switch (method) {
    case 'connect':
      return { status: raw.status, identifiers: text('identifiers'), transmissions: list('transmissions'), errorMsg: text('errorMsg'), env: envResponse } as RpcResponses[M];
    case 'command': {
      const presence = r.presence as Partial<RpcPresenceResponse> | undefined | null;
      return {
        status: raw.status,
        disconnect: r.disconnect === true,
        stopStreams: r.stopStreams === true,
        streams: list('streams'),
        transmissions: list('transmissions'),
        errorMsg: text('errorMsg'),
        env: envResponse,
        stoppedStreams: list('stoppedStreams'),
        presence: presence ? { type: presence.type ?? '', id: presence.id ?? '', info: presence.info ?? '', ttl: Number(presence.ttl ?? 0) } : undefined,
      } as RpcResponses[M];
    }
    default:
      return { status: raw.status, errorMsg: text('errorMsg') } as RpcResponses[M];
  }
}
