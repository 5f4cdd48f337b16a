/**
 * Nest WebSocket adapter that owns the upgrade: path match, origin check,
 * connection limit, subprotocol negotiation, frame size limit, compression off.
 * Frames are not routed through Nest's message handlers (see `Session`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { INestApplicationContext } from '@nestjs/common';
import { AbstractWsAdapter } from '@nestjs/websockets';
import { WebSocketServer } from 'ws';
import { rawJsonErrorResponse, type HttpErrorCode } from '../http/json-error.js';
import { SUPPORTED_SUBPROTOCOLS } from '../protocol/messages.js';
import { originAllowed } from './origin.js';
import { validHost } from './request-url.js';
import type { CableLogger, LogFields } from '../logging/cable-logger.js';
import { REJECTED_CONNECTIONS, type Counters } from '../metrics/counters.js';

/** The adapter's slice of the config. */
export interface CableWsOptions {
  paths: readonly string[];
  allowedOrigins: readonly string[];
  maxMessageSize: number;
  maxConn: number;
  logger: CableLogger;
  /** Current number of connections, for `max-conn`. */
  connectionCount(): number;
  /** False while shutting down: upgrades get 503. */
  accepting(): boolean;
  /** Where refused upgrades are counted (`rejected_connections_total:<cause>`). */
  counters: Pick<Counters, 'add'>;
}

/** Why an upgrade was refused: the counter label, the JSON error code and message, and the info line. */
type Refusal = 'origin' | 'max_conn' | 'shutting_down' | 'invalid_host';
const REFUSALS: Record<Refusal, { code: HttpErrorCode; message: string; log: string }> = {
  origin: { code: 'origin_not_allowed', message: 'origin not allowed', log: 'upgrade refused: origin not allowed' },
  max_conn: { code: 'too_many_connections', message: 'too many connections (max-conn)', log: 'upgrade refused: max-conn reached' },
  shutting_down: { code: 'shutting_down', message: 'shutting down: reconnect to another node', log: 'upgrade refused: shutting down' },
  invalid_host: { code: 'bad_request', message: 'invalid Host header', log: 'upgrade refused: invalid Host header' },
};
/** At most one info line per cause in this window (later ones go to debug): a flood of refusals must not flood the log. */
const REFUSAL_LOG_WINDOW_MS = 10_000;

/**
 * Pick `actioncable-v1-json` when offered, else `actioncable-v1-ext-json` (server order, as gorilla's
 * upgrader in anycable-go); serve clients that offer nothing we know without a subprotocol.
 */
export function chooseSubprotocol(offered: Set<string>): string | false {
  for (const protocol of SUPPORTED_SUBPROTOCOLS) if (offered.has(protocol)) return protocol;
  return false;
}

/**
 * Module-level no-op: a closure created inside the upgrade listener would keep the
 * whole upgrade request (headers and all) alive for the socket's lifetime (~1.3 KB
 * per idle connection, measured with bench/heap-diff.js).
 */
function ignoreSocketError(): void {}

/** Refuse an upgrade with the catalogued status and JSON body (src/http/json-error.ts). */
function refuse(socket: Duplex, code: HttpErrorCode, message: string): void {
  socket.end(rawJsonErrorResponse(code, message));
}

/** See file comment. */
export class CableWsAdapter extends AbstractWsAdapter {
  private upgradeListener?: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
  private readonly lastRefusalLog = new Map<Refusal, number>();

  constructor(
    app: INestApplicationContext,
    private readonly options: CableWsOptions,
  ) {
    super(app);
  }

  create(): WebSocketServer {
    const { options } = this;
    const wss = new WebSocketServer({
      noServer: true,
      // why: compression off by default (CPU and memory per socket; CRIME-style risks), as in ws and anycable.
      perMessageDeflate: false,
      maxPayload: options.maxMessageSize,
      clientTracking: false,
      handleProtocols: chooseSubprotocol,
    });
    const paths = new Set(options.paths);
    this.upgradeListener = (req, socket, head) => {
      socket.on('error', ignoreSocketError);
      const pathname = (req.url ?? '/').split('?', 1)[0];
      if (!paths.has(pathname)) return refuse(socket, 'not_found', 'not a WebSocket path');
      if (!options.accepting()) return this.refuse(socket, 'shutting_down');
      if (!validHost(req.headers.host)) return this.refuse(socket, 'invalid_host');
      // why no Origin value in the line: header values stay out of logs (they are client-controlled and may be sensitive).
      if (!originAllowed(options.allowedOrigins, req.headers.origin)) return this.refuse(socket, 'origin', { origin: req.headers.origin === undefined ? 'missing' : 'not in allowed_origins' });
      if (options.maxConn > 0 && options.connectionCount() >= options.maxConn) return this.refuse(socket, 'max_conn', { maxConn: options.maxConn });
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    };
    this.httpServer.on('upgrade', this.upgradeListener);
    return wss;
  }

  /** Answer a refused upgrade, count it, and log it at info (once per cause per window, else at debug). */
  private refuse(socket: Duplex, cause: Refusal, fields: LogFields = {}): void {
    const { logger, counters } = this.options;
    const refusal = REFUSALS[cause];
    counters.add(REJECTED_CONNECTIONS + cause);
    const now = Date.now();
    const quiet = now - (this.lastRefusalLog.get(cause) ?? -Infinity) < REFUSAL_LOG_WINDOW_MS;
    if (!quiet) this.lastRefusalLog.set(cause, now);
    if (!quiet || logger.debugEnabled) logger.logAt(quiet ? 'debug' : 'info', refusal.log, { code: refusal.code, ...fields });
    refuse(socket, refusal.code, refusal.message);
  }

  bindMessageHandlers(): void {
    // Intentionally empty: the gateway reads frames itself (no per-message Nest pipeline).
  }

  async close(wss: WebSocketServer): Promise<void> {
    if (this.upgradeListener) this.httpServer.off('upgrade', this.upgradeListener);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
