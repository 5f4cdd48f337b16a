/**
 * HTTP broadcaster: `POST /_broadcast` with `{"stream","data","meta"}` or an
 * array of them (anycable broadcast/http.go), authenticated with
 * `Authorization: Bearer <broadcast_key>`. Answers 201; bad requests get a
 * 4xx with the JSON `{"error","code"}` body (http/json-error.ts) and nothing is delivered.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { Broadcaster, BroadcastSink } from './broadcaster.js';
import { sendJsonError } from '../http/json-error.js';
import { parseBroadcastBody } from './publication.js';

/** How HTTP broadcasts are authenticated. */
export type BroadcastAuth = { kind: 'key'; key: string } | { kind: 'public' } | { kind: 'disabled' };

/** Decide the auth mode: a key always wins; no key is accepted only in public mode. */
export function broadcastAuthFor(key: string, isPublic: boolean): BroadcastAuth {
  if (key) return { kind: 'key', key };
  return isPublic ? { kind: 'public' } : { kind: 'disabled' };
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time bearer check (hashing first makes lengths equal). */
export function bearerMatches(header: string | undefined, key: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? '');
  if (!match) return false;
  return timingSafeEqual(digest(match[1].trim()), digest(key));
}


/**
 * Whether a Content-Type names JSON (`application/json`, `application/*+json`).
 * Anything else is refused: text/plain and form bodies are what a cross-site
 * "simple" request can send, so in keyless `--public` mode any web page could broadcast.
 */
export function isJsonContentType(header: string | undefined): boolean {
  const type = (header ?? '').split(';', 1)[0].trim().toLowerCase();
  return type === 'application/json' || (type.startsWith('application/') && type.endsWith('+json'));
}

/** Settings of the HTTP broadcaster. */
export interface HttpBroadcasterOptions {
  /** `http_broadcast_path`: the exact path it answers on, on the main HTTP server. */
  path: string;
  auth: BroadcastAuth;
  /** `http_broadcast_max_body_size`, bytes. */
  maxBodySize: number;
  logger: CableLogger;
}

/**
 * The `http` broadcaster (see file comment). Not fan-out: the node that receives a
 * POST ingests it and the pub/sub spreads it. Its owner mounts `handle` on the main
 * HTTP server; until `start` and after `stop` the endpoint answers 503.
 */
export class HttpBroadcaster implements Broadcaster {
  readonly fanout = false;
  private sink?: BroadcastSink;
  private state: EdgeReadiness['state'] = 'starting';

  constructor(private readonly options: HttpBroadcasterOptions) {}

  /** The exact request path to mount `handle` on. */
  get path(): string {
    return this.options.path;
  }

  async start(sink: BroadcastSink): Promise<void> {
    this.sink = sink;
    this.state = 'up';
    this.options.logger.logAt('debug', 'HTTP broadcaster enabled', { path: this.options.path, auth: this.options.auth.kind });
  }

  async stop(): Promise<void> {
    this.sink = undefined;
    this.state = 'down';
  }

  readiness(): EdgeReadiness {
    const detail = this.options.auth.kind === 'disabled' ? 'no broadcast_key: every request is refused (401)' : `POST ${this.options.path}`;
    return { name: 'broadcaster:http', state: this.state, detail };
  }

  /** The request handler: answers every request routed to `path`. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const sink = this.sink;
    if (!sink) {
      req.resume();
      return sendJsonError(res, 'shutting_down', 'not accepting broadcasts (starting or shutting down)');
    }
    handleBroadcastRequest(req, res, this.options, sink);
  };
}

/** Answers a request that must not be read (method, auth, type, declared size) and returns true; else false. */
function refusedBeforeBody(req: IncomingMessage, res: ServerResponse, opts: HttpBroadcasterOptions): boolean {
  if (req.method !== 'POST') {
    sendJsonError(res, 'method_not_allowed', 'use POST', { Allow: 'POST' });
    return true;
  }
  const { auth } = opts;
  if (auth.kind === 'disabled') {
    sendJsonError(res, 'unauthorized', 'HTTP broadcasting needs a key: set broadcast_key or secret (or run with --public for development)');
    return true;
  }
  if (auth.kind === 'key' && !bearerMatches(req.headers.authorization, auth.key)) {
    sendJsonError(res, 'unauthorized', 'invalid or missing Authorization: Bearer <broadcast_key>');
    return true;
  }
  if (!isJsonContentType(req.headers['content-type'])) {
    req.resume();
    sendJsonError(res, 'unsupported_media_type', 'Content-Type must be application/json');
    return true;
  }
  if (Number(req.headers['content-length'] ?? 0) > opts.maxBodySize) {
    sendJsonError(res, 'payload_too_large', `body larger than ${opts.maxBodySize} bytes`);
    req.resume();
    return true;
  }
  return false;
}

/**
 * The body a body parser of the host application already read (cablecar mounted in a
 * user's Nest app with its default JSON parser): Nest's `rawBody` when kept, else the
 * parsed value encoded again (every `data` string survives unchanged). Undefined when unread.
 */
function alreadyReadBody(req: IncomingMessage): string | undefined {
  const parsed = req as IncomingMessage & { body?: unknown; rawBody?: Buffer };
  if (!req.readableEnded || parsed.body === undefined) return undefined;
  return Buffer.isBuffer(parsed.rawBody) ? parsed.rawBody.toString('utf8') : JSON.stringify(parsed.body);
}

/** One request: refuse early, read the body up to the cap, parse, hand the items to `sink`, answer 201. */
function handleBroadcastRequest(req: IncomingMessage, res: ServerResponse, opts: HttpBroadcasterOptions, sink: BroadcastSink): void {
  if (refusedBeforeBody(req, res, opts)) return;
  const accept = (text: string) => {
    const parsed = parseBroadcastBody(text);
    if (parsed.kind === 'invalid') {
      opts.logger.logAt('warn', 'broadcast refused', { reason: parsed.reason });
      return sendJsonError(res, parsed.reason.startsWith('malformed JSON') ? 'malformed_json' : 'invalid_broadcast', parsed.reason);
    }
    sink(parsed.items);
    if (opts.logger.debugEnabled) opts.logger.logAt('debug', 'broadcast accepted', { items: parsed.items.length });
    res.writeHead(201).end();
  };
  const readBefore = alreadyReadBody(req);
  if (readBefore !== undefined) return accept(readBefore);
  const chunks: Buffer[] = [];
  let size = 0;
  let tooBig = false;
  req.on('data', (chunk: Buffer) => {
    if (tooBig) return;
    size += chunk.length;
    if (size > opts.maxBodySize) {
      tooBig = true;
      sendJsonError(res, 'payload_too_large', `body larger than ${opts.maxBodySize} bytes`);
      return;
    }
    chunks.push(chunk);
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    if (!tooBig) accept(Buffer.concat(chunks).toString('utf8'));
  });
}
