/**
 * The Rails side of AnyCable RPC, as anycable-rails answers it, for tests:
 * cookie authentication (`reject_unauthorized_connection` without a `user`
 * cookie), a `ChatChannel` (stream_from, stop_stream_from, state,
 * transmissions from `subscribed` before the confirmation, reject, actions),
 * an `EchoChannel` that sends back what it was given, and anyt's handlers and
 * channels (rails-rpc-channels.ts). It counts calls and in-flight calls and can
 * be told to be slow or to fail. Transport-free: the gRPC and HTTP test
 * servers serve this one implementation.
 */
import type { CommandMessage, CommandResponse, ConnectionRequest, ConnectionResponse, DisconnectRequest, DisconnectResponse, RpcMethod } from '../../src/rpc/rpc-messages.js';
import { railsCommand, railsConnect, railsDisconnect, type RailsSide } from './rails-rpc-channels.js';

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

export { UNAUTHORIZED_TRANSMISSION } from './rails-rpc-channels.js';

/** See file comment. */
export class RailsRpcApp implements RailsSide {
  readonly calls: ReceivedCall[] = [];
  /** Added to every call before answering. */
  delayMs = 0;
  /** Where `ActionCable.server.broadcast` goes (a test points it at cablecar's HTTP broadcaster); dropped until set. */
  broadcaster?: (stream: string, data: string) => void;
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

  /** `ActionCable.server.broadcast(stream, data)`: the payload JSON-encoded, as the Rails coder does. */
  broadcast(stream: string, data: unknown): void {
    this.broadcaster?.(stream, JSON.stringify(data));
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
          return { ok: true, response: railsConnect(request as ConnectionRequest, meta.sid) };
        case 'command':
          return { ok: true, response: railsCommand(request as CommandMessage, this) };
        case 'disconnect':
          railsDisconnect(request as DisconnectRequest, this);
          return { ok: true, response: { status: 1, errorMsg: '' } };
      }
    } finally {
      this.active--;
    }
  }
}
