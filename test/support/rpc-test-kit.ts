/**
 * Small helpers for RPC tests: a logger that keeps its lines, a bounded wait
 * for a promise, client settings with test-friendly defaults, and requests
 * shaped as the session will send them.
 */
import type { LogFields } from '../../src/logging/cable-logger.js';
import type { GrpcRpcClientSettings } from '../../src/rpc/grpc.rpc-client.js';
import type { HttpRpcClientSettings } from '../../src/rpc/http.rpc-client.js';
import type { CommandMessage, ConnectionRequest, DisconnectRequest } from '../../src/rpc/rpc-messages.js';
import type { RpcLog } from '../../src/rpc/rpc-reachability.js';

/** One captured log line. */
export interface LogLine {
  level: string;
  message: string;
  fields: LogFields;
}

/** A logger that records lines instead of printing them. */
export class CapturingLog implements RpcLog {
  readonly lines: LogLine[] = [];

  logAt(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields: LogFields = {}): void {
    this.lines.push({ level, message, fields });
  }

  /** Lines with this message (and level, when given). */
  find(message: string, level?: string): LogLine[] {
    return this.lines.filter((l) => l.message === message && (level === undefined || l.level === level));
  }

  /** Every line as text, for "never logs X" assertions. */
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.message} ${JSON.stringify(l.fields)}`).join('\n');
  }
}

/** Await `promise`, failing the test if it takes longer than `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what = 'promise'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** gRPC client settings for a test server. */
export function grpcSettings(targets: string[], patch: Partial<GrpcRpcClientSettings> = {}): GrpcRpcClientSettings {
  const policy = { concurrency: 28, requestTimeoutMs: 0, commandTimeoutMs: 3000, ...patch.policy };
  return { targets, tls: { enabled: false, verify: true }, maxRecvSize: 0, maxSendSize: 0, keepaliveMs: 10_000, ...patch, policy };
}

/** HTTP client settings for a test server. */
export function httpSettings(url: string, patch: Partial<HttpRpcClientSettings> = {}): HttpRpcClientSettings {
  const policy = { concurrency: 28, requestTimeoutMs: 3000, commandTimeoutMs: 3000, ...patch.policy };
  return { url, tls: { enabled: false, verify: true }, secret: '', breaker: false, maxResponseSize: 4 * 1024 * 1024, ...patch, policy };
}

/** A Connect request as the session sends it. */
export function connectRequest(cookie?: string): ConnectionRequest {
  return { env: { url: 'http://example.com/cable?x=1', headers: { ...(cookie ? { cookie } : {}), REMOTE_ADDR: '10.0.0.7' } } };
}

/** A ChatChannel identifier. */
export const chatIdentifier = (room: string): string => JSON.stringify({ channel: 'ChatChannel', room });

/** A Command request as the session sends it. */
export function commandRequest(patch: Partial<CommandMessage> = {}): CommandMessage {
  return {
    command: 'subscribe',
    identifier: chatIdentifier('42'),
    connectionIdentifiers: '{"current_user":"ann"}',
    env: { url: 'http://example.com/cable', headers: { cookie: 'user=ann' }, cstate: { user: 'ann' }, istate: {} },
    ...patch,
  };
}

/** A Disconnect request as the session sends it. */
export function disconnectRequest(): DisconnectRequest {
  return {
    identifiers: '{"current_user":"ann"}',
    subscriptions: [chatIdentifier('42'), '{"channel":"EchoChannel"}'],
    env: { url: 'http://example.com/cable', headers: { cookie: 'user=ann' }, cstate: { user: 'ann' }, istate: { [chatIdentifier('42')]: '{"room":"42"}' } },
  };
}
