/**
 * HTTP broadcaster: `POST /_broadcast` with `{"stream","data","meta"}` or an
 * array of them (anycable broadcast/http.go), authenticated with
 * `Authorization: Bearer <broadcast_key>`. Answers 201; bad requests get a
 * 4xx with a JSON `{"error": ...}` reason and nothing is delivered.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CableLogger } from '../logging/cable-logger.js';
import type { BroadcastPipeline } from './broadcast-pipeline.js';
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

function reply(res: ServerResponse, status: number, error?: string): void {
  if (error === undefined) {
    res.writeHead(status).end();
    return;
  }
  const body = JSON.stringify({ error });
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
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

/** Build the request handler. */
export function httpBroadcastHandler(opts: { auth: BroadcastAuth; maxBodySize: number; pipeline: BroadcastPipeline; logger: CableLogger }) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return reply(res, 405, 'use POST');
    }
    const { auth } = opts;
    if (auth.kind === 'disabled') {
      return reply(res, 401, 'HTTP broadcasting needs a key: set broadcast_key or secret (or run with --public for development)');
    }
    if (auth.kind === 'key' && !bearerMatches(req.headers.authorization, auth.key)) {
      return reply(res, 401, 'invalid or missing Authorization: Bearer <broadcast_key>');
    }
    if (!isJsonContentType(req.headers['content-type'])) {
      req.resume();
      return reply(res, 415, 'Content-Type must be application/json');
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > opts.maxBodySize) {
      reply(res, 413, `body larger than ${opts.maxBodySize} bytes`);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooBig = false;
    req.on('data', (chunk: Buffer) => {
      if (tooBig) return;
      size += chunk.length;
      if (size > opts.maxBodySize) {
        tooBig = true;
        reply(res, 413, `body larger than ${opts.maxBodySize} bytes`);
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', () => undefined);
    req.on('end', () => {
      if (tooBig) return;
      const parsed = parseBroadcastBody(Buffer.concat(chunks).toString('utf8'));
      if (parsed.kind === 'invalid') {
        opts.logger.logAt('warn', 'broadcast refused', { reason: parsed.reason });
        return reply(res, parsed.reason.startsWith('malformed JSON') ? 400 : 422, parsed.reason);
      }
      const result = opts.pipeline.apply(parsed.items);
      if (opts.logger.debugEnabled) opts.logger.logAt('debug', 'broadcast applied', { items: parsed.items.length, ...result });
      reply(res, 201);
    });
  };
}
