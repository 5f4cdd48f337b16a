/**
 * The exception filter of cablecar's own application: Nest's answers for unknown paths (its
 * not-found handler throws `NotFoundException`) and for anything a middleware throws get the same
 * JSON error body as every other endpoint (json-error.ts) instead of Nest's own shape. A plain
 * HTTP request on a WebSocket path is told to upgrade. Installed by `startCable` only: a user's
 * app that embeds `CablecarModule` keeps its own error handling.
 */
import { Catch, HttpException, NotFoundException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CableLogger } from '../logging/cable-logger.js';
import { requestPath } from './exact-path.js';
import { HTTP_ERRORS, sendJsonError, type HttpErrorCode } from './json-error.js';

/** The catalogued code for an HTTP status Nest raised, `internal_error` when none matches. */
function codeForStatus(status: number): HttpErrorCode {
  const found = (Object.keys(HTTP_ERRORS) as HttpErrorCode[]).find((code) => HTTP_ERRORS[code].status === status);
  return found ?? 'internal_error';
}

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
      return sendJsonError(res, 'not_found', 'not found');
    }
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      const code = codeForStatus(exception.getStatus());
      return sendJsonError(res, code, code === 'internal_error' ? 'request refused' : code.replace(/_/g, ' '));
    }
    // A bug in a handler: logged with its message (never the request's headers), answered without details.
    this.logger.logAt('error', 'HTTP request failed', { code: 'CABLE_ERR_HTTP_HANDLER', path: requestPath(req).slice(0, 200), error: (exception as Error)?.message ?? String(exception) });
    sendJsonError(res, 'internal_error', 'internal error');
  }
}
