/**
 * The one shape of every HTTP error cablecar answers: `{"error":"<message>","code":"<code>"}`
 * with `Content-Type: application/json`, from the broadcast endpoint, the dashboard, the upgrade
 * refusals (written on the raw socket before any WebSocket exists) and unknown paths. The codes
 * are a catalogue, each with its status; docs/protocol.md lists them and a test keeps both in sync.
 * Liveness keeps anycable-go's text body and readiness its JSON report: they are not errors.
 */
import type { ServerResponse } from 'node:http';

/** Every HTTP error code, its status and when it is sent. */
export const HTTP_ERRORS = {
  bad_request: { status: 400, when: 'an upgrade with a malformed Host header' },
  websocket_required: { status: 400, when: 'a plain HTTP request (no WebSocket upgrade) on a WebSocket path' },
  malformed_json: { status: 400, when: 'a broadcast (or dashboard form) body that is not JSON' },
  unauthorized: { status: 401, when: 'a broadcast without the right `Authorization: Bearer <broadcast_key>`, or none configured outside --public; a dashboard call without its key' },
  origin_not_allowed: { status: 403, when: 'an upgrade whose Origin is not in allowed_origins (or missing while the list is set)' },
  not_found: { status: 404, when: 'any path cablecar does not serve (also an upgrade on a path that is not a WebSocket path)' },
  method_not_allowed: { status: 405, when: 'a broadcast that is not a POST (`Allow: POST` is set)' },
  payload_too_large: { status: 413, when: 'a broadcast body over http_broadcast_max_body_size (or a dashboard form over its cap)' },
  unsupported_media_type: { status: 415, when: 'a broadcast whose Content-Type is not application/json or application/*+json' },
  invalid_broadcast: { status: 422, when: 'a broadcast of the wrong shape (the message names the item); nothing from the batch is delivered' },
  request_refused: { status: 400, when: 'any other 4xx refusal raised inside Nest (a controller of an extension, a request path that cannot be decoded): that status and its message are kept' },
  internal_error: { status: 500, when: 'a bug on our side (a handler that threw, a dashboard script missing from the build)' },
  too_many_connections: { status: 503, when: 'an upgrade past max-conn' },
  shutting_down: { status: 503, when: 'an upgrade while the server drains, or a broadcast before the broadcaster started or after it stopped' },
} as const;

/** A code from the catalogue. */
export type HttpErrorCode = keyof typeof HTTP_ERRORS;

/** The JSON text of an error body. */
export function jsonErrorBody(code: HttpErrorCode, message: string): string {
  return JSON.stringify({ error: message, code });
}

/**
 * Answer `res` with the JSON body and the catalogued status for `code` (or `status`, for a
 * `request_refused` that keeps an extension's own 4xx); `headers` adds e.g. `Allow`.
 */
export function sendJsonError(res: ServerResponse, code: HttpErrorCode, message: string, headers: Record<string, string> = {}, status: number = HTTP_ERRORS[code].status): void {
  const body = jsonErrorBody(code, message);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) }).end(body);
}

/** The reason phrases of the statuses the catalogue uses (RFC 9110). */
const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** A whole HTTP/1.1 error response as bytes, for a raw socket (an upgrade refused before the WebSocket exists). */
export function rawJsonErrorResponse(code: HttpErrorCode, message: string): string {
  const { status } = HTTP_ERRORS[code];
  const body = jsonErrorBody(code, message);
  return `HTTP/1.1 ${status} ${REASON_PHRASES[status]}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
