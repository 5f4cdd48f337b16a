/**
 * The Rails side of AnyCable RPC, as anycable-rails answers it, for tests:
 * cookie authentication (`reject_unauthorized_connection` without a `user`
 * cookie), a `ChatChannel` (stream_from, stop_stream_from, state,
 * transmissions from `subscribed` before the confirmation, reject, actions)
 * and an `EchoChannel` that sends back what it was given. It counts calls and
 * in-flight calls and can be told to be slow or to fail. Transport-free: the
 * gRPC and HTTP test servers serve this one implementation.
 */
import type { CommandMessage, CommandResponse, ConnectionRequest, ConnectionResponse, DisconnectRequest, DisconnectResponse, RpcMethod } from '../../src/rpc/rpc-messages.js';

/** Call metadata as the server received it. */
export interface ReceivedMeta {
  sid?: string;
  protov?: string;
  /** Every other `x-anycable-meta-*` header / gRPC metadata key, lower-case. */
  extra: Record<string, string>;
  /** Raw transport headers (HTTP) or metadata (gRPC), lower-case names. */
  raw: Record<string, string>;
}

/** One call the app received. */
export interface ReceivedCall {
  method: RpcMethod;
  request: ConnectionRequest | CommandMessage | DisconnectRequest;
  meta: ReceivedMeta;
}

/** A transport-level failure to answer with instead of running the app. */
export interface Fault {
  /** gRPC status code (e.g. 14 UNAVAILABLE, 8 RESOURCE_EXHAUSTED, 13 INTERNAL). */
  grpcCode: number;
  /** HTTP status for the HTTP server (e.g. 401, 422, 500). */
  httpStatus: number;
  message: string;
}

/** What a handler produced. */
export type AppReply = { ok: true; response: ConnectionResponse | CommandResponse | DisconnectResponse } | { ok: false; fault: Fault };

const SUCCESS = 1;
const FAILURE = 2;
const ERROR = 0;

/** Rails' unauthorized disconnect transmission (ActionCable::Connection::Authorization). */
export const UNAUTHORIZED_TRANSMISSION = '{"type":"disconnect","reason":"unauthorized","reconnect":false}';

const commandResponse = (patch: Partial<CommandResponse>): CommandResponse => ({
  status: SUCCESS, disconnect: false, stopStreams: false, streams: [], transmissions: [], errorMsg: '', stoppedStreams: [], ...patch,
});

/** See file comment. */
export class RailsRpcApp {
  readonly calls: ReceivedCall[] = [];
  /** Added to every call before answering. */
  delayMs = 0;
  private active = 0;
  private peak = 0;
  private faults: { fault: Fault; remaining: number }[] = [];

  /** Calls being handled right now. */
  get inFlight(): number {
    return this.active;
  }

  /** The most calls handled at once since the last `reset()`. */
  get maxInFlight(): number {
    return this.peak;
  }

  /** Calls received, optionally of one method. */
  count(method?: RpcMethod): number {
    return method ? this.calls.filter((c) => c.method === method).length : this.calls.length;
  }

  /** Answer the next `times` calls with `fault` (queued after earlier faults). */
  failNext(times: number, fault: Fault): void {
    this.faults.push({ fault, remaining: times });
  }

  /** Forget calls, peaks, faults and slowness. */
  reset(): void {
    this.calls.length = 0;
    this.peak = this.active;
    this.faults = [];
    this.delayMs = 0;
  }

  /** Handle one call as the servers receive it. */
  async handle(method: RpcMethod, request: ReceivedCall['request'], meta: ReceivedMeta): Promise<AppReply> {
    this.calls.push({ method, request, meta });
    this.active++;
    this.peak = Math.max(this.peak, this.active);
    try {
      if (this.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.delayMs));
      const pending = this.faults[0];
      if (pending) {
        if (--pending.remaining <= 0) this.faults.shift();
        return { ok: false, fault: pending.fault };
      }
      switch (method) {
        case 'connect':
          return { ok: true, response: this.connect(request as ConnectionRequest, meta) };
        case 'command':
          return { ok: true, response: this.command(request as CommandMessage) };
        case 'disconnect':
          return { ok: true, response: { status: SUCCESS, errorMsg: '' } };
      }
    } finally {
      this.active--;
    }
  }

  /** ApplicationCable::Connection#connect: `identified_by :current_user` from the `user` cookie. */
  private connect(request: ConnectionRequest, meta: ReceivedMeta): ConnectionResponse {
    const user = cookies(request.env.headers?.cookie ?? '').get('user');
    if (user === 'boom') return { status: ERROR, identifiers: '', transmissions: [], errorMsg: 'RuntimeError: boom' };
    if (!user) return { status: FAILURE, identifiers: '', transmissions: [UNAUTHORIZED_TRANSMISSION], errorMsg: '' };
    return {
      status: SUCCESS,
      identifiers: JSON.stringify({ current_user: user }),
      transmissions: [JSON.stringify({ type: 'welcome', sid: meta.sid })],
      errorMsg: '',
      env: { cstate: { user }, istate: {} },
    };
  }

  private command(request: CommandMessage): CommandResponse {
    let identifier: Record<string, unknown>;
    try {
      identifier = JSON.parse(request.identifier) as Record<string, unknown>;
    } catch {
      return commandResponse({ status: ERROR, errorMsg: 'identifier is not JSON' });
    }
    const reject = commandResponse({ status: FAILURE, transmissions: [JSON.stringify({ identifier: request.identifier, type: 'reject_subscription' })] });
    switch (identifier.channel) {
      case 'ChatChannel':
        return this.chat(request, String(identifier.room ?? ''), reject);
      case 'EchoChannel':
        return this.echo(request);
      default:
        return request.command === 'subscribe' ? reject : commandResponse({ status: ERROR, errorMsg: 'Channel not found' });
    }
  }

  /** ChatChannel: `stream_from "chat_#{room}"`, `transmit` in `subscribed`, actions below. */
  private chat(request: CommandMessage, room: string, reject: CommandResponse): CommandResponse {
    const id = request.identifier;
    const transmit = (message: unknown) => JSON.stringify({ identifier: id, message });
    if (request.command === 'subscribe') {
      if (!room || room === 'secret') return reject;
      return commandResponse({
        streams: [`chat_${room}`],
        transmissions: [transmit({ type: 'joined', room }), JSON.stringify({ identifier: id, type: 'confirm_subscription' })],
        env: { cstate: {}, istate: { room } },
      });
    }
    if (request.command === 'unsubscribe') return commandResponse({ stopStreams: true });
    const data = JSON.parse(request.data ?? '{}') as Record<string, string>;
    const user = (JSON.parse(request.connectionIdentifiers || '{}') as { current_user?: string }).current_user;
    switch (data.action) {
      case 'speak':
        return commandResponse({ transmissions: [transmit({ text: data.text, from: user })] });
      case 'leave':
        return commandResponse({ stoppedStreams: [`chat_${room}`] });
      case 'follow':
        return commandResponse({ streams: [data.stream] });
      case 'reset':
        return commandResponse({ stopStreams: true, streams: [`chat_${room}`] });
      case 'remember':
        return commandResponse({ env: { istate: { note: data.note }, cstate: { last_note: data.note } } });
      case 'forget':
        return commandResponse({ env: { istate: { note: '' }, cstate: { last_note: '' } } });
      case 'kick':
        return commandResponse({ disconnect: true, transmissions: [transmit({ type: 'kicked' })] });
      default:
        return commandResponse({ status: ERROR, errorMsg: `ChatChannel: unknown action ${JSON.stringify(data.action)}` });
    }
  }

  /** EchoChannel: every message comes back with the identifiers, state and URL the server sent. */
  private echo(request: CommandMessage): CommandResponse {
    const id = request.identifier;
    if (request.command === 'subscribe') return commandResponse({ transmissions: [JSON.stringify({ identifier: id, type: 'confirm_subscription' })] });
    if (request.command === 'unsubscribe') return commandResponse({});
    const message = {
      identifiers: request.connectionIdentifiers,
      istate: request.env.istate ?? {},
      cstate: request.env.cstate ?? {},
      url: request.env.url,
      data: JSON.parse(request.data ?? 'null') as unknown,
    };
    return commandResponse({ transmissions: [JSON.stringify({ identifier: id, message })] });
  }
}

/** Parse a Cookie header. */
function cookies(header: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq > 0) out.set(pair.slice(0, eq).trim(), decodeURIComponent(pair.slice(eq + 1).trim()));
  }
  return out;
}
