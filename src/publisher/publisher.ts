/**
 * The publisher contract for Node backends and the wire format they share with
 * Rails: the bodies anycable-rb's broadcast adapters send (lib/anycable/
 * broadcast_adapters/base.rb), with the message JSON-encoded the way
 * ActiveSupport::JSON.encode does it. test/fixtures/publisher/vectors.json,
 * made by Ruby, holds the bytes these functions must produce.
 */
import { createHmac } from 'node:crypto';

/** Options of one broadcast, sent as `meta` (anycable-rb `broadcast(stream, payload, options)`). */
export interface BroadcastOptions {
  /** Session id that must not receive it (the sender's `sid`). */
  readonly exclude_socket?: string;
  /** Not kept in stream history. */
  readonly transient?: boolean;
}

/** One broadcast of a batch. */
export interface BroadcastMessage {
  readonly stream: string;
  /** Any JSON value; encoded like ActiveSupport::JSON.encode before it is sent. */
  readonly message: unknown;
  readonly options?: BroadcastOptions;
}

/** What a publish call returns: sent, or why not (never thrown: a down server is an expected outcome). */
export type PublishOutcome = { readonly kind: 'sent' } | { readonly kind: 'failed'; readonly reason: string; readonly status?: number };

/** A way to send broadcasts and remote commands to cablecar (or anycable-go). */
export interface Publisher {
  /** Send `message` to every subscriber of `stream` (Rails `ActionCable.server.broadcast`). */
  broadcast(stream: string, message: unknown, options?: BroadcastOptions): Promise<PublishOutcome>;
  /** Send several broadcasts in one request, in order (anycable-rb `batching`). */
  broadcastMany(messages: readonly BroadcastMessage[]): Promise<PublishOutcome>;
  /** Close every connection with these identifiers (a JSON string, as the server holds them) on every node. */
  disconnect(identifiers: string, options?: { reconnect?: boolean }): Promise<PublishOutcome>;
  /** Release connections; further calls fail. */
  close(): Promise<void>;
}

const RAILS_ESCAPES: Readonly<Record<string, string>> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** JSON as ActiveSupport::JSON.encode writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function railsJson(value: unknown): string {
  return JSON.stringify(value ?? null).replace(/[<>&\u2028\u2029]/g, (c) => RAILS_ESCAPES[c]);
}

/** The object anycable-rb builds for one broadcast: `{stream, data, meta}` without an empty `meta`. */
function broadcastObject({ stream, message, options }: BroadcastMessage): Record<string, unknown> {
  const item: Record<string, unknown> = { stream, data: railsJson(message) };
  if (options && Object.keys(options).length > 0) item.meta = options;
  return item;
}

/** The body of one broadcast. */
export function broadcastBody(stream: string, message: unknown, options?: BroadcastOptions): string {
  return railsJson(broadcastObject({ stream, message, options }));
}

/** The body of a batch: one JSON array. */
export function batchBody(messages: readonly BroadcastMessage[]): string {
  return railsJson(messages.map(broadcastObject));
}

/** The body of a remote disconnect (`broadcast_command("disconnect", identifier:, reconnect:)`). */
export function disconnectBody(identifiers: string, reconnect = true): string {
  return railsJson({ command: 'disconnect', payload: { identifier: identifiers, reconnect } });
}

/** A publisher that sends one encoded body per call: HTTP and Redis differ only in how they `send` it. */
export abstract class BodyPublisher implements Publisher {
  broadcast(stream: string, message: unknown, options?: BroadcastOptions): Promise<PublishOutcome> {
    return this.send(broadcastBody(stream, message, options));
  }

  broadcastMany(messages: readonly BroadcastMessage[]): Promise<PublishOutcome> {
    return this.send(batchBody(messages));
  }

  disconnect(identifiers: string, options: { reconnect?: boolean } = {}): Promise<PublishOutcome> {
    return this.send(disconnectBody(identifiers, options.reconnect));
  }

  abstract close(): Promise<void>;

  /** Deliver one body exactly as given; failures are outcomes. */
  protected abstract send(body: string): Promise<PublishOutcome>;
}

/** The HTTP broadcast key cablecar and anycable-go derive from `secret`: hex HMAC-SHA256(secret, "broadcast-cable"). */
export function deriveBroadcastKey(secret: string): string {
  // why not config/app.options.ts' deriveSecret: this entry must load without the server's config code.
  return createHmac('sha256', secret).update('broadcast-cable').digest('hex');
}
