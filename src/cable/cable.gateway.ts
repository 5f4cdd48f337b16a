/**
 * The Cable gateway: turns each accepted WebSocket into a `Session`, runs
 * identification, and drains sessions with `server_restart` on shutdown.
 */
import type { IncomingMessage } from 'node:http';
import { Inject, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { IdentificationChain } from '../auth/identification-chain.js';
import type { Handshake } from '../auth/identification.js';
import { ChannelRouter } from '../channels/channel-router.js';
import type { CableConfig } from '../config/cable-config.js';
import { Hub } from '../hub/hub.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { CABLE_CONFIG, CABLE_LOGGER } from '../config/config.tokens.js';
import { Session, type SessionDeps } from './session.js';
import { SessionRegistry } from '../hub/session-registry.js';

/** Build the handshake view of an upgrade request. */
export function handshakeOf(sid: string, ws: WebSocket, req: IncomingMessage): Handshake {
  const host = req.headers.host ?? 'localhost';
  const scheme = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
  const url = new URL(req.url ?? '/', `${scheme}://${host}`);
  const offered = req.headers['sec-websocket-protocol'];
  return {
    sid,
    url: url.toString(),
    headers: req.headers,
    query: url.searchParams,
    protocols: offered ? offered.split(',').map((p) => p.trim()).filter(Boolean) : [],
    remoteAddress: req.socket.remoteAddress ?? '',
  };
}

@WebSocketGateway()
export class CableGateway implements OnGatewayConnection, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly sessionDeps: SessionDeps;

  constructor(
    @Inject(CABLE_CONFIG) private readonly config: CableConfig,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    hub: Hub,
    private readonly router: ChannelRouter,
    private readonly identification: IdentificationChain,
    private readonly registry: SessionRegistry,
  ) {
    // why: one deps object shared by every session instead of an object and two closures per socket.
    this.sessionDeps = {
      hub,
      router,
      logger,
      maxPendingSize: config.wsMaxPendingSize,
      onClosed: (session) => registry.remove(session),
      publishWhisper: (stream, data, senderSid) => hub.broadcast({ stream, data, meta: { exclude_socket: senderSid, transient: true } }),
    };
  }

  onApplicationBootstrap(): void {
    this.registry.startPings(this.config.pingInterval, this.config.pingTimestampPrecision);
    this.logger.logAt('info', 'cable gateway ready', {
      paths: this.config.path.join(','),
      identification: this.identification.describe().join(' > ') || '(none: every connection is unauthorized)',
      channels: this.router.localChannels().join(',') || '(none)',
    });
  }

  handleConnection(ws: WebSocket, req: IncomingMessage): void {
    const requestId = req.headers['x-request-id'];
    const sid = this.registry.allocateSid(typeof requestId === 'string' ? requestId : undefined);
    const session = new Session(sid, ws, this.sessionDeps);
    this.registry.add(session);
    const handshake = handshakeOf(sid, ws, req);
    this.identification.identify(handshake).then(
      (outcome) => session.identified(outcome),
      (error: Error) => session.identified({ kind: 'error', detail: error.message }),
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.registry.stopPings();
    const sessions = this.registry.all();
    if (sessions.length === 0) return;
    this.logger.logAt('info', 'shutting down: disconnecting sessions', { sessions: sessions.length });
    for (const session of sessions) session.disconnect('server_restart', true);
    const deadline = Date.now() + this.config.shutdownTimeout * 1000;
    while (this.registry.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
