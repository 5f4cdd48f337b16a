/**
 * The JSON form of RPC messages for HTTP RPC, as anycable-go sends it and
 * anycable-rb answers it (anycable rpc/http.go; anycable-rb
 * lib/anycable/httrpc/server.rb): proto field names in snake_case, empty
 * fields omitted, `status` an integer. Map keys (headers, state) pass through
 * untouched. Responses are read tolerantly: older Ruby builds send the enum
 * name (`"SUCCESS"`) and leave out defaults, and a missing status means ERROR.
 */
import { isRpcStatusCode, normalizeResponse, RpcStatus, type RpcEnv, type RpcMethod, type RpcRequests, type RpcResponses, type RpcStatusCode } from './rpc-messages.js';

type Json = Record<string, unknown>;

const nonEmpty = (map: Record<string, string> | undefined): map is Record<string, string> => map !== undefined && Object.keys(map).length > 0;

/** `Env` as snake_case JSON, without empty fields. */
export function encodeEnv(env: RpcEnv): Json {
  const out: Json = {};
  if (env.url) out.url = env.url;
  if (nonEmpty(env.headers)) out.headers = env.headers;
  if (nonEmpty(env.cstate)) out.cstate = env.cstate;
  if (nonEmpty(env.istate)) out.istate = env.istate;
  return out;
}

/** The request body of `POST /<method>`. */
export function encodeRequest<M extends RpcMethod>(method: M, request: RpcRequests[M]): Json {
  switch (method) {
    case 'connect':
      return { env: encodeEnv((request as RpcRequests['connect']).env) };
    case 'command': {
      const r = request as RpcRequests['command'];
      const out: Json = { command: r.command, identifier: r.identifier };
      if (r.connectionIdentifiers) out.connection_identifiers = r.connectionIdentifiers;
      if (r.data) out.data = r.data;
      out.env = encodeEnv(r.env);
      return out;
    }
    default: {
      const r = request as RpcRequests['disconnect'];
      const out: Json = {};
      if (r.identifiers) out.identifiers = r.identifiers;
      if (r.subscriptions.length > 0) out.subscriptions = r.subscriptions;
      out.env = encodeEnv(r.env);
      return out;
    }
  }
}

/** A decoded response, or why the body is not one. */
export type DecodeOutcome<M extends RpcMethod> = { ok: true; response: RpcResponses[M] } | { ok: false; problem: string };

/** Read `status` as an integer, an enum name, or absent (= ERROR). */
export function readStatus(value: unknown): RpcStatusCode | undefined {
  if (value === undefined || value === null) return RpcStatus.ERROR;
  if (isRpcStatusCode(value)) return value;
  if (typeof value === 'string' && Object.hasOwn(RpcStatus, value)) return RpcStatus[value as keyof typeof RpcStatus];
  return undefined;
}

/** snake_case (or, tolerated, lowerCamel as protojson writes) field of a message. */
function field(body: Json, snake: string): unknown {
  if (snake in body) return body[snake];
  return body[snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
}

const stringList = (value: unknown): string[] | undefined => (Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : undefined);
const stringMap = (value: unknown): Record<string, string> | undefined =>
  value && typeof value === 'object' && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string') ? (value as Record<string, string>) : undefined;

/** Decode a parsed JSON response body of `method`. */
export function decodeResponse<M extends RpcMethod>(method: M, body: unknown): DecodeOutcome<M> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return { ok: false, problem: 'response body is not a JSON object' };
  const json = body as Json;
  const status = readStatus(json.status);
  if (status === undefined) return { ok: false, problem: `unrecognized status ${JSON.stringify(json.status)}` };
  for (const key of ['transmissions', 'streams', 'stopped_streams']) {
    const value = field(json, key);
    if (value !== undefined && value !== null && !stringList(value)) return { ok: false, problem: `${key} is not a list of strings` };
  }
  const env = field(json, 'env') as Json | undefined | null;
  if (env && (typeof env !== 'object' || (env.cstate != null && !stringMap(env.cstate)) || (env.istate != null && !stringMap(env.istate)))) {
    return { ok: false, problem: 'env is not {cstate, istate} maps of strings' };
  }
  const presence = field(json, 'presence') as Json | undefined | null;
  const raw = {
    status,
    identifiers: field(json, 'identifiers'),
    transmissions: field(json, 'transmissions'),
    errorMsg: field(json, 'error_msg'),
    disconnect: field(json, 'disconnect'),
    stopStreams: field(json, 'stop_streams'),
    streams: field(json, 'streams'),
    stoppedStreams: field(json, 'stopped_streams'),
    env: env ? { cstate: stringMap(env.cstate) ?? {}, istate: stringMap(env.istate) ?? {} } : undefined,
    presence: presence && typeof presence === 'object' ? presence : undefined,
  };
  return { ok: true, response: normalizeResponse(method, raw as unknown as Partial<RpcResponses[M]> & { status: RpcStatusCode }) };
}
