import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVER_SETTINGS } from '../config/config.tokens.js';
import type { ServerSettings } from '../config/server.options.js';
import { onExactPath } from '../http/exact-path.js';
import { HubModule } from '../hub.module.js';
import { EdgeRegistry } from '../lifecycle/edge-registry.js';
import { Counters } from '../metrics/counters.js';
import { readinessReport } from './readiness.js';

/** Body of the liveness response (anycable server/health_handler.go). */
export const HEALTH_BODY = "Ah, ha, ha, ha, stayin' alive, stayin' alive.";

/** Liveness endpoint at `health-path` (any method, 200). */
export function healthHandler(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end(HEALTH_BODY);
}

/** Readiness endpoint at `readiness_path`: 200 or 503 with the report as JSON; never cached. */
export function readinessHandler(edges: EdgeRegistry, counters: Counters) {
  return (_req: IncomingMessage, res: ServerResponse): void => {
    const report = readinessReport(edges.readiness(), counters.snapshot());
    const body = JSON.stringify(report);
    res.writeHead(report.status === 'ready' ? 200 : 503, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(body) }).end(body);
  };
}

/** Serves liveness on `health-path` and readiness on `readiness_path` (from the `server` slice). */
@Module({ imports: [HubModule] })
export class HealthModule implements NestModule {
  constructor(
    @Inject(SERVER_SETTINGS) private readonly server: ServerSettings,
    private readonly edges: EdgeRegistry,
    private readonly counters: Counters,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const { healthPath, readinessPath } = this.server;
    consumer.apply(onExactPath(healthPath, healthHandler)).forRoutes({ path: healthPath, method: RequestMethod.ALL });
    consumer.apply(onExactPath(readinessPath, readinessHandler(this.edges, this.counters))).forRoutes({ path: readinessPath, method: RequestMethod.ALL });
  }
}
