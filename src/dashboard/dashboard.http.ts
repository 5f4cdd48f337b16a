/**
 * The dashboard's HTTP endpoints, on the main server: the page, its stats JSON,
 * the broadcast form's endpoint (through `Ingest`, so no broadcast key ever
 * reaches the page) and the bundled browser scripts; plus the welcome page at
 * `/` in public mode. Plain request handlers, mounted by `DashboardModule`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { isJsonContentType } from '../broadcast/http.broadcaster.js';
import { requestPath } from '../http/exact-path.js';
import { sendJsonError } from '../http/json-error.js';
import { dashboardAccess } from './dashboard-auth.js';
import { dashboardPage, keyPage, welcomePage, type WelcomePaths } from './dashboard-pages.js';
import type { DashboardSnapshot } from './dashboard-stats.js';
import type { DashboardAuth } from './dashboard.options.js';

/** Largest body the broadcast form may post. */
const MAX_FORM_BODY = 64 * 1024;

/**
 * The bundled browser scripts (scripts/build-assets.js): beside this file in dist/, or in
 * dist/ when this file runs from src/ (the tests, which run after the build).
 */
const BROWSER_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../../dist/dashboard/browser/' : './browser/', import.meta.url));

/** Headers of every dashboard and welcome response: no caching, no framing, scripts from this origin only. */
const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Content-Security-Policy': "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self' ws: wss:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

type Handler = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { ...PAGE_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), ...headers }).end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown) => send(res, status, 'application/json', JSON.stringify(value));

/** One bundled script, read once; a missing bundle is a 500 that says how to build it. */
function scriptHandler(name: string): (res: ServerResponse) => void {
  let text: string | undefined;
  return (res) => {
    const file = BROWSER_DIR + name;
    if (text === undefined && existsSync(file)) text = readFileSync(file, 'utf8');
    if (text === undefined) sendJsonError(res, 'internal_error', `${name} is not built: run npm run build`, PAGE_HEADERS);
    else send(res, 200, 'text/javascript; charset=utf-8', text, { 'Cache-Control': 'no-cache' });
  };
}

/** What the dashboard endpoints need. */
export interface DashboardHttpOptions {
  readonly path: string;
  readonly auth: DashboardAuth;
  snapshot(): DashboardSnapshot;
  /** Publish `data` (a JSON text) to `stream` through `Ingest`. */
  publish(stream: string, data: string): void;
}

/** The dashboard endpoints under `options.path`; any other path goes to `next`. */
export function dashboardHandler(options: DashboardHttpOptions): Handler {
  const { path, auth } = options;
  const scripts: Record<string, (res: ServerResponse) => void> = { 'dashboard.js': scriptHandler('dashboard.js'), 'welcome.js': scriptHandler('welcome.js') };
  return (req, res, next) => {
    const at = requestPath(req);
    if (at !== path && !at.startsWith(path + '/')) return next();
    const sub = at.slice(path.length);
    if (sub.startsWith('/assets/') && req.method === 'GET' && scripts[sub.slice(8)]) return scripts[sub.slice(8)](res);
    const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
    const keyParam = sub === '' && req.method === 'GET' ? new URL(target, 'http://x').searchParams.get('key') : null;
    const access = dashboardAccess(auth, req, path, keyParam);
    if (access.kind === 'login') return send(res, 303, 'text/plain', '', { Location: path, 'Set-Cookie': access.setCookie });
    if (access.kind === 'denied') {
      req.resume();
      return sub === '' ? send(res, 401, 'text/html; charset=utf-8', keyPage(path, keyParam !== null)) : sendJsonError(res, 'unauthorized', 'dashboard key required', PAGE_HEADERS);
    }
    if (sub === '' && req.method === 'GET') return send(res, 200, 'text/html; charset=utf-8', dashboardPage(path));
    if (sub === '/stats' && req.method === 'GET') return sendJson(res, 200, options.snapshot());
    if (sub === '/broadcast' && req.method === 'POST') return formBroadcast(req, res, options.publish);
    req.resume();
    sendJsonError(res, 'not_found', 'not found', PAGE_HEADERS);
  };
}

/** `POST <path>/broadcast` `{"stream":"...","data":<any JSON>}` from the page's form. */
function formBroadcast(req: IncomingMessage, res: ServerResponse, publish: DashboardHttpOptions['publish']): void {
  // why JSON only: a cross-site page can post a form or text/plain without asking; JSON needs a preflight we never allow.
  if (!isJsonContentType(req.headers['content-type'])) {
    req.resume();
    return sendJsonError(res, 'unsupported_media_type', 'Content-Type must be application/json', PAGE_HEADERS);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_FORM_BODY) chunks.push(chunk);
  });
  req.on('error', () => undefined);
  req.on('end', () => {
    if (size > MAX_FORM_BODY) return sendJsonError(res, 'payload_too_large', `body larger than ${MAX_FORM_BODY} bytes`, PAGE_HEADERS);
    let body: { stream?: unknown; data?: unknown };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
    } catch {
      return sendJsonError(res, 'malformed_json', 'malformed JSON', PAGE_HEADERS);
    }
    if (typeof body?.stream !== 'string' || body.stream === '') return sendJsonError(res, 'invalid_broadcast', '"stream" must be a non-empty string', PAGE_HEADERS);
    publish(body.stream, JSON.stringify(body.data ?? null));
    sendJson(res, 201, { stream: body.stream });
  });
}

/** `GET /`: the welcome page (public mode). */
export function welcomeHandler(paths: WelcomePaths): Handler {
  const page = welcomePage(paths);
  return (req, res, next) => {
    if (requestPath(req) !== '/' || req.method !== 'GET') return next();
    send(res, 200, 'text/html; charset=utf-8', page);
  };
}
