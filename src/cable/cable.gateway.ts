/**
 * The Cable gateway: turns each accepted WebSocket into a `Session`, runs
 * identification, and drains sessions with `server_restart` on shutdown.
 */
import type { IncomingMessage } from 'node:http';
import { Inject, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { WebSocketGateway, type OnGatewayConnection } from '@nestjs/websockets';
import type { WebSocket } from 'ws';
import { Ingest } from '../broadcast/ingest.js';
import { CableError } from '../errors.js';
import { IdentificationChain } from '../auth/identification-chain.js';
import type { Handshake, IdentifyOutcome } from '../auth/identification.js';
import { ChannelDiscovery } from '../channels/channel-discovery.js';
import { CABLE_LOGGER, LIMITS_SETTINGS, SERVER_SETTINGS, WS_SETTINGS } from '../config/config.tokens.js';
import type { LimitsSettings } from '../config/limits.options.js';
import type { ServerSettings } from '../config/server.options.js';
import type { WsSettings } from '../config/ws.options.js';
import { connectionEnv } from '../connection/connection-state.js';
import { Hub } from '../hub/hub.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { Counters } from '../metrics/counters.js';
import { CLOSE_INTERNAL_ERROR } from '../protocol/disconnect-reasons.js';
import { EXTENDED_SUBPROTOCOL } from '../protocol/messages.js';
import { PING_INTERVAL_PARAM, PING_PRECISION_PARAM, pingSettingsFromQuery } from '../protocol/session-params.js';
import { maxFragmentsFor } from './frame-guard.js';
import { requestUrl } from './request-url.js';
import { Session, type SessionDeps } from './session.js';
import { SessionRegistry } from '../hub/session-registry.js';

/**
 * Build the handshake view of an upgrade request, with the `env` the session
 * keeps (`headers`: the allow-list of lower-case names). Never throws on client
 * input (see request-url.ts).
 */
export function handshakeOf(sid: string, req: IncomingMessage, headers: readonly string[], closed: { readonly signal: AbortSignal } = NEVER_CLOSED): Handshake {
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true;
  const url = requestUrl(req.url, req.headers.host, secure);
  const href = url.toString();
  const offered = req.headers['sec-websocket-protocol'];
  const remoteAddress = req.socket.remoteAddress ?? '';
  return {
    sid,
    url: href,
    headers: req.headers,
    env: connectionEnv(href, req.headers, headers, remoteAddress),
    query: url.searchParams,
    protocols: offered ? offered.split(',').map((p) => p.trim()).filter(Boolean) : [],
    remoteAddress,
    // why a getter: the session creates its signal only when a step (RPC Connect) asks for it.
    get signal() {
      return closed.signal;
    },
  };
}

/** For handshakes built outside a session (tests): a signal that never fires. */
const NEVER_CLOSED = { signal: new AbortController().signal };

/** Milliseconds terminated sockets get to report their close at the end of the drain. */
const TERMINATE_GRACE_MS = 1000;

/** Accepts sessions; reads the `server`, `ws` and `limits` slices. */
@WebSocketGateway()
export class CableGateway implements OnGatewayConnection, OnApplicationBootstrap, BeforeApplicationShutdown {
  /** Set at bootstrap, when the routing table exists; no connection is accepted before. */
  private sessionDeps?: SessionDeps;
  constructor(
    @Inject(SERVER_SETTINGS) private readonly server: ServerSettings,
    @Inject(WS_SETTINGS) private readonly ws: WsSettings,
    @Inject(LIMITS_SETTINGS) private readonly limits: LimitsSettings,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    private readonly hub: Hub,
    private readonly channels: ChannelDiscovery,
    private readonly identification: IdentificationChain,
    private readonly registry: SessionRegistry,
    private readonly counters: Counters,
    private readonly ingest: Ingest,
  ) {}

  onApplicationBootstrap(): void {
    const { hub, registry, ws, ingest } = this;
    const router = this.channels.router;
    // why: one deps object shared by every session instead of an object and two closures per socket.
    this.sessionDeps = {
      hub,
      router,
      logger: this.logger,
      counters: this.counters,
      limits: {
        ...this.limits,
        maxPendingSize: ws.maxPendingSize,
        // why: the socket is paused while busy, so only what `ws` already read can pile up.
        maxBacklogBytes: Math.max(4 * ws.maxMessageSize, 256 * 1024),
        maxFragments: maxFragmentsFor(ws.maxMessageSize),
      },
      onClosed: (session) => registry.remove(session),
      // Whispers take the broadcasts' road (ingest -> pub/sub -> every node), so they cross nodes.
      publishWhisper: (stream, data, senderSid) => ingest.publish({ stream, data, meta: { exclude_socket: senderSid, transient: true } }),
    };
    registry.startPings({ intervalSeconds: ws.pingIntervalSeconds, precision: ws.pingTimestampPrecision, pongTimeoutMs: ws.pongTimeoutMs });
    registry.startIdentifyDeadline(this.server.identifyTimeoutMs / 1000);
    this.logger.logAt('debug', 'cable gateway ready', {
      paths: this.server.paths.join(','),
      identification: this.identification.describe().join(' > ') || '(none: every connection is unauthorized)',
      channels: router.localChannels().join(',') || '(none)',
      fallback: router.fallbackName,
    });
  }

  /**
   * Nest calls this from its connection stream, where an exception would end the
   * process: whatever fails while setting up one connection closes that connection only.
   */
  handleConnection(ws: WebSocket, req: IncomingMessage): void {
    try {
      this.accept(ws, req);
    } catch (error) {
      const failure = new CableError('CABLE_ERR_CONNECTION_SETUP', (error as Error).message);
      this.logger.logAt('error', 'connection setup failed', { code: failure.code, error: (error as Error).message });
      ws.close(CLOSE_INTERNAL_ERROR, 'Internal Error');
      ws.terminate();
    }
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const requestId = req.headers['x-request-id'];
    const sid = this.registry.allocateSid(typeof requestId === 'string' ? requestId : undefined);
    const handshake = handshakeOf(sid, req, this.server.headers, { get signal() { return session.signal; } });
    const session: Session = new Session(sid, ws, this.sessionDeps!, req.socket, handshake.env);
    const { registry } = this;
    registry.add(session);
    this.applyQueryPingSettings(session, handshake.query);
    // pong_timeout applies to ext-protocol sessions only (anycable cli/session_options.go).
    const pongs = this.ws.pongTimeoutMs > 0 && ws.protocol === EXTENDED_SUBPROTOCOL;
    this.identification.identify(handshake).then(
      (outcome) => this.identified(session, outcome, pongs),
      (error: Error) => this.identified(session, { kind: 'error', detail: error.message }, pongs),
    );
  }

  /** `?pi=` / `?ptp=`: the session's own ping settings; bad values are ignored with a debug log, as anycable-go does. */
  private applyQueryPingSettings(session: Session, query: URLSearchParams): void {
    if (!query.has(PING_INTERVAL_PARAM) && !query.has(PING_PRECISION_PARAM)) return;
    const { settings, ignored } = pingSettingsFromQuery(query);
    for (const bad of ignored) this.logger.logAt('debug', 'query parameter ignored', { sid: session.sid, ...bad });
    this.registry.customizePings(session, settings);
  }

  /** Apply the outcome, then tell the registry (identify deadline off; an accepted session joins the identifiers index). */
  private identified(session: Session, outcome: IdentifyOutcome, pongs: boolean): void {
    session.identified(outcome);
    // why from here: identification may take a while, and pings only start once the session is open.
    if (pongs) session.expectPongs();
    this.registry.identified(session);
  }

  /**
   * Drain: from here on upgrades are refused (503); every session gets
   * `server_restart`; at `shutdown_timeout` whatever is still open is terminated.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.registry.startDrain();
    this.registry.stopPings();
    this.registry.stopIdentifyDeadline();
    const sessions = this.registry.all();
    if (sessions.length === 0) return;
    this.logger.logAt('info', 'shutting down: disconnecting sessions', { sessions: sessions.length });
    for (const session of sessions) session.disconnect('server_restart', true);
    const deadline = Date.now() + this.server.shutdownTimeoutMs;
    await this.untilNoSessions(deadline);
    const left = this.registry.all();
    if (left.length === 0) return;
    this.logger.logAt('info', 'shutdown timeout: terminating remaining sessions', { sessions: left.length });
    for (const session of left) session.terminate();
    // why wait a little more: each terminated socket reports its close a tick later, and with it
    // the session's close seam (its Disconnect call joins the queue the RPC module flushes next).
    await this.untilNoSessions(Date.now() + TERMINATE_GRACE_MS);
  }

  private async untilNoSessions(deadline: number): Promise<void> {
    while (this.registry.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }
}
