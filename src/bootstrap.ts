/**
 * Builds and starts the Nest application for a loaded config. Used by
 * `main.ts` and by the e2e tests (which boot the real app on port 0). Reads the
 * `server`, `ws` and `logging` slices; every module gets its own slice by DI.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { DynamicModule, INestApplication, ModuleMetadata, Type } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { CableWsAdapter } from './cable/cable.ws-adapter.js';
import type { CableConfig } from './capabilities.js';
import { CABLE_LOGGER, SERVER_SETTINGS, WS_SETTINGS } from './config/config.tokens.js';
import type { LoggingSettings } from './config/logging.options.js';
import type { ServerSettings } from './config/server.options.js';
import type { WsSettings } from './config/ws.options.js';
import { SessionRegistry } from './hub/session-registry.js';
import { Counters } from './metrics/counters.js';
import { CableLogger } from './logging/cable-logger.js';
import { CableError } from './errors.js';
import { IdentificationChain } from './auth/identification-chain.js';
import { BROADCAST_ADAPTERS } from './broadcast/broadcast.options.js';
import { ChannelDiscovery } from './channels/channel-discovery.js';
import { describeRpcTarget } from './rpc/rpc.options.js';
import { describeMetricsEndpoint } from './metrics/metrics.options.js';
import { STARTUP_MESSAGE, startupFields, type StartupFacts } from './logging/startup-summary.js';
import { JsonErrorFilter } from './http/json-error.filter.js';

/** A running cablecar server. */
export interface RunningCable {
  app: INestApplication;
  port: number;
  logger: CableLogger;
  close(): Promise<void>;
}

/** Options beyond the config. */
export interface StartOptions {
  logger?: CableLogger;
  /** Extra Nest modules to load beside cablecar's (user extensions). */
  imports?: ModuleMetadata['imports'];
  /** A module exporting `CHANNEL_FALLBACK` for channels no local channel handles (default: `RpcModule`, RPC unless `norpc`). */
  fallback?: Type<unknown> | DynamicModule;
}

/** The application logger for the `logging` slice. */
export function loggerFor(logging: LoggingSettings): CableLogger {
  return new CableLogger({ level: logging.level, format: logging.format });
}

/**
 * Install cablecar's WebSocket adapter on a Nest application whose module tree
 * holds cablecar (`AppModule`, or a user's root module importing `CablecarModule`),
 * reading the `server` and `ws` slices from that application. Call before `init`/`listen`.
 */
export function attachCable(app: INestApplication): void {
  const server = app.get<ServerSettings>(SERVER_SETTINGS);
  const ws = app.get<WsSettings>(WS_SETTINGS);
  const registry = app.get(SessionRegistry);
  app.useWebSocketAdapter(
    new CableWsAdapter(app, {
      paths: server.paths,
      allowedOrigins: server.allowedOrigins,
      maxMessageSize: ws.maxMessageSize,
      maxConn: server.maxConn,
      logger: app.get<CableLogger>(CABLE_LOGGER),
      connectionCount: () => registry.size,
      accepting: () => registry.accepting,
      counters: app.get(Counters),
    }),
  );
}

/** What the start-up line reports, read from the config and from the wired app (identification steps, local channels). */
function startupFacts(app: INestApplication, config: CableConfig, port: number): StartupFacts {
  const { server, broadcast, rpc, metrics } = config.settings;
  return {
    host: server.host,
    port,
    paths: server.paths,
    tls: server.tls ? server.tls.certPath : 'off',
    identification: app.get(IdentificationChain).describe(),
    channels: app.get(ChannelDiscovery).router.localChannels(),
    broadcasters: BROADCAST_ADAPTERS.filter((name) => broadcast[name] !== undefined),
    pubsub: broadcast.pubsub.kind,
    rpc: describeRpcTarget(rpc.client),
    metrics: describeMetricsEndpoint(metrics.http),
  };
}

/** Create, wire and listen. */
export async function startCable(config: CableConfig, options: StartOptions = {}): Promise<RunningCable> {
  const { server } = config.settings;
  const logger = options.logger ?? loggerFor(config.settings.logging);
  const app = await NestFactory.create(AppModule.forRoot(config, logger, options.imports, options.fallback), {
    logger,
    bodyParser: false,
    abortOnError: false,
    // ssl_cert + ssl_key: one HTTPS server carries the WebSocket upgrades too (WSS on the same port).
    ...(server.tls ? { httpsOptions: { cert: server.tls.cert, key: server.tls.key } } : {}),
  });
  attachCable(app);
  // Before init: Nest builds its not-found handler with the global filters it has then.
  app.useGlobalFilters(new JsonErrorFilter(server.paths, logger));
  // Express would otherwise advertise itself (X-Powered-By) on every response.
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  // Module init runs here, outside the listen error below, so a start-up CableError (e.g. a duplicate channel) keeps its code.
  await app.init().catch(async (error: unknown) => {
    await app.close().catch(() => undefined);
    throw error;
  });
  try {
    await app.listen(server.port, server.host);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw new CableError('CABLE_ERR_SERVER_LISTEN', `cannot listen on ${server.host}:${server.port}: ${(error as Error).message}`);
  }
  const port = (app.getHttpServer().address() as AddressInfo).port;
  logger.logAt('info', STARTUP_MESSAGE, startupFields(startupFacts(app, config, port)));
  return { app, port, logger, close: () => app.close() };
}
