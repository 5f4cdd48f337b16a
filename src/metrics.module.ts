import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CABLE_LOGGER, SERVER_SETTINGS } from './config/config.tokens.js';
import type { ServerSettings } from './config/server.options.js';
import { CableError } from './errors.js';
import { onExactPath, requestPath } from './http/exact-path.js';
import { Hub } from './hub/hub.js';
import { HubModule } from './hub.module.js';
import { SessionRegistry } from './hub/session-registry.js';
import type { CableLogger } from './logging/cable-logger.js';
import type { MetricSources } from './metrics/catalogue.js';
import { Counters } from './metrics/counters.js';
import { MetricsLogWriter } from './metrics/metrics-log.js';
import type { MetricsSettings } from './metrics/metrics.options.js';
import { METRICS_SETTINGS } from './metrics/metrics.tokens.js';
import { PrometheusExporter } from './metrics/prometheus.js';

/**
 * Metrics as the `metrics` slice asks (anycable metrics/metrics.go `FromConfig`, `Run`): the
 * Prometheus endpoint on the main server, or on its own HTTP server when `metrics_host` /
 * `metrics_port` name another address, and the periodic log line. Outside `metrics/` so that
 * folder stays free of Nest; it reads the hub, the registry and `Counters` only when asked.
 */
@Module({ imports: [HubModule] })
export class MetricsModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly sources: MetricSources;
  private exporter?: PrometheusExporter;
  private logWriter?: MetricsLogWriter;
  private ownServer?: Server;

  constructor(
    @Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings,
    @Inject(SERVER_SETTINGS) private readonly server: ServerSettings,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    counters: Counters,
    hub: Hub,
    registry: SessionRegistry,
  ) {
    this.sources = { counters, clients: () => registry.size, uniqueClients: () => registry.uniqueIdentifiers, streams: () => hub.streamCount };
    if (settings.http) this.exporter = new PrometheusExporter(this.sources, settings.tags);
  }

  /** Whether the endpoint goes on the main server: no own address, or one equal to the main host and port. */
  private get onMainServer(): boolean {
    const http = this.settings.http;
    if (!http || http.kind === 'main') return true;
    return (http.host === '' || http.host === this.server.host) && (http.port === 0 || http.port === this.server.port);
  }

  configure(consumer: MiddlewareConsumer): void {
    const { http } = this.settings;
    if (!http || !this.exporter || !this.onMainServer) return;
    consumer.apply(onExactPath(http.path, this.exporter.handler())).forRoutes({ path: http.path, method: RequestMethod.ALL });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { http, log } = this.settings;
    if (http && this.exporter && !this.onMainServer && http.kind === 'own') await this.listenOwn(http.path, http.host || this.server.host, http.port || this.server.port);
    else if (http) this.logger.logAt('info', 'serving metrics', { path: http.path, server: 'main' }, 'metrics');
    if (log) {
      this.logWriter = new MetricsLogWriter(this.sources, this.logger, log.intervalSeconds, log.filter);
      this.logWriter.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.logWriter?.stop();
    const server = this.ownServer;
    this.ownServer = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The metrics server of its own: the path answers, anything else is a 404. */
  private async listenOwn(path: string, host: string, port: number): Promise<void> {
    const handler = this.exporter!.handler();
    const server = createServer((req, res) => {
      if (requestPath(req) === path) return handler(req, res);
      req.resume();
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('Not Found');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: Error) => {
      throw new CableError('CABLE_ERR_SERVER_LISTEN', `metrics server cannot listen on ${host}:${port}: ${error.message}`);
    });
    this.ownServer = server;
    const address = server.address() as AddressInfo;
    this.logger.logAt('info', 'serving metrics', { path, host, port: address.port, server: 'own' }, 'metrics');
  }
}
