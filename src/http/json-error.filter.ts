/**
 * The exception filter of cablecar's own application: Nest's answers for unknown paths (its
 * not-found handler throws `NotFoundException`) and for anything a middleware throws get the same
 * JSON error body as every other endpoint (json-error.ts) instead of Nest's own shape (an
 * extension's controller keeps its 4xx status and message, under `request_refused`). A plain
 * HTTP request on a WebSocket path is told to upgrade. Installed by `startCable` only: a user's
 * app that embeds `CablecarModule` keeps its own error handling.
 */
import { Catch, HttpException, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CableLogger } from '../logging/cable-logger.js';
import { requestPath } from './exact-path.js';
import { sendJsonError } from './json-error.js';

/** See file comment. */
@Catch()
export class JsonErrorFilter implements ExceptionFilter {
  private readonly webSocketPaths: ReadonlySet<string>;

  constructor(webSocketPaths: readonly string[], private readonly logger: CableLogger) {
    this.webSocketPaths = new Set(webSocketPaths);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const http = host.switchToHttp();
    const req = http.getRequest<IncomingMessage>();
    const res = http.getResponse<ServerResponse>();
    if (res.headersSent) {
      res.end();
      return;
    }
    req.resume();
    if (exception instanceof NotFoundException) {
      if (this.webSocketPaths.has(requestPath(req))) return sendJsonError(res, 'websocket_required', 'this path serves WebSocket upgrades only');
      // why not Nest's message: it echoes the request target ("Cannot GET /..."); an extension's own message is kept.
      return sendJsonError(res, 'not_found', exception.message.startsWith('Cannot ') ? 'not found' : exception.message);
    }
    // Refused on purpose (an extension's controller, a path Express cannot decode): status and message kept.
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    if (status >= 400 && status < 500) return sendJsonError(res, 'request_refused', (exception as HttpException).message, {}, status);
    // A bug in a handler: logged with its message (never the request's headers), answered without details.
    this.logger.logAt('error', 'HTTP request failed', { code: 'CABLE_ERR_HTTP_HANDLER', path: requestPath(req).slice(0, 200), error: (exception as Error)?.message ?? String(exception) });
    sendJsonError(res, 'internal_error', 'internal error');
  }
}
