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
import type { CableLogger } from '../logging/cable-logger.js';

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
}

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
      if (!options.accepting()) return refuse(socket, 'shutting_down', 'shutting down: reconnect to another node');
      if (!validHost(req.headers.host)) {
        options.logger.logAt('info', 'upgrade refused: invalid Host header');
        return refuse(socket, 'bad_request', 'invalid Host header');
      }
      if (!originAllowed(options.allowedOrigins, req.headers.origin)) {
        options.logger.logAt('info', 'upgrade refused: origin not allowed', { origin: req.headers.origin ?? '(none)' });
        return refuse(socket, 'origin_not_allowed', 'origin not allowed');
      }
      if (options.maxConn > 0 && options.connectionCount() >= options.maxConn) {
        return refuse(socket, 'too_many_connections', 'too many connections (max-conn)');
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        // why: from here `ws` listens for socket errors itself; keeping ours would turn the socket's
        // one 'error' listener into an array for the connection's whole life.
        socket.off('error', ignoreSocketError);
        wss.emit('connection', ws, req);
      });
    };
    this.httpServer.on('upgrade', this.upgradeListener);
    return wss;
  }

  /**
   * Intentionally empty: Nest would add a `once('disconnect')` listener per socket (a bound
   * wrapper, its state and a closure: ~250 bytes per idle connection, bench/heap-diff.js --owners)
   * for an event `ws` never emits; sessions listen for 'close' themselves.
   */
  bindClientDisconnect(): void {}

  bindMessageHandlers(): void {
    // Intentionally empty: the gateway reads frames itself (no per-message Nest pipeline).
  }

  async close(wss: WebSocketServer): Promise<void> {
    if (this.upgradeListener) this.httpServer.off('upgrade', this.upgradeListener);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }
}
