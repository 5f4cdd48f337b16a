/**
 * Nest binds middleware with Express' `use()`, which matches a path prefix
 * case-insensitively (`/_BROADCAST`, `/_broadcast/x`). An endpoint a proxy rule
 * guards by its exact path must answer on that path only: anything else falls
 * through to the next handler (404).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

/** Path part of the request target as the client sent it. */
export function requestPath(req: IncomingMessage): string {
  const target = (req as { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  const query = target.indexOf('?');
  return query === -1 ? target : target.slice(0, query);
}

/** Run `handler` only when the request path is exactly `path`. */
export function onExactPath(path: string, handler: Handler): Middleware {
  return (req, res, next) => (requestPath(req) === path ? handler(req, res) : next());
}
