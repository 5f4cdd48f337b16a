import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BroadcastModule } from '../broadcast/broadcast.module.js';
import type { BroadcastSettings } from '../broadcast/broadcast.options.js';
import { BROADCAST_SETTINGS } from '../broadcast/broadcast.tokens.js';
import { Ingest } from '../broadcast/ingest.js';
import { CABLE_LOGGER, SERVER_SETTINGS } from '../config/config.tokens.js';
import type { ServerSettings } from '../config/server.options.js';
import { Hub } from '../hub/hub.js';
import { HubModule } from '../hub.module.js';
import { SessionRegistry } from '../hub/session-registry.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { Counters } from '../metrics/counters.js';
import { DashboardStats } from './dashboard-stats.js';
import { dashboardHandler, welcomeHandler } from './dashboard.http.js';
import type { DashboardSettings } from './dashboard.options.js';
import { DASHBOARD_SETTINGS } from './dashboard.tokens.js';

/**
 * The live dashboard and the welcome page, as the `dashboard` slice asks:
 * mounts their handlers on the main HTTP server and runs the one-second
 * sampler while the dashboard is on. Reads the paths (never the keys) of the
 * `server` and `broadcast` slices for the welcome page's client and curl line.
 */
@Module({ imports: [HubModule, BroadcastModule] })
export class DashboardModule implements NestModule, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly stats: DashboardStats;

  constructor(
    @Inject(DASHBOARD_SETTINGS) private readonly settings: DashboardSettings,
    @Inject(SERVER_SETTINGS) private readonly server: ServerSettings,
    @Inject(BROADCAST_SETTINGS) private readonly broadcast: BroadcastSettings,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    private readonly ingest: Ingest,
    counters: Counters,
    hub: Hub,
    registry: SessionRegistry,
  ) {
    this.stats = new DashboardStats(counters, hub, registry);
  }

  configure(consumer: MiddlewareConsumer): void {
    const { dashboard, welcomePage } = this.settings;
    if (dashboard) {
      const handler = dashboardHandler({
        path: dashboard.path,
        auth: dashboard.auth,
        snapshot: () => this.stats.snapshot(),
        publish: (stream, data) => this.ingest.publish({ stream, data }),
      });
      // why two routes: Nest matches a middleware route exactly; the page's stats, form and scripts live below it.
      consumer.apply(handler).forRoutes({ path: dashboard.path, method: RequestMethod.ALL }, { path: `${dashboard.path}/*rest`, method: RequestMethod.ALL });
    }
    if (welcomePage) {
      const paths = {
        cablePath: this.server.paths[0],
        broadcastPath: this.broadcast.http?.path,
        dashboardPath: dashboard?.path,
        script: `${dashboard?.path ?? ''}/assets/welcome.js`,
      };
      consumer.apply(welcomeHandler(paths)).forRoutes({ path: '/', method: RequestMethod.GET });
    }
  }

  onApplicationBootstrap(): void {
    const { dashboard } = this.settings;
    if (!dashboard) return;
    this.stats.start();
    this.logger.logAt('info', 'dashboard enabled', { path: dashboard.path, access: dashboard.auth.kind === 'key' ? 'dashboard_key' : 'open (public mode)' });
  }

  onApplicationShutdown(): void {
    this.stats.stop();
  }
}
