import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SERVER_SETTINGS } from '../config/config.tokens.js';
import type { ServerSettings } from '../config/server.options.js';
import { onExactPath } from '../http/exact-path.js';

/** Body of the liveness response (anycable server/health_handler.go). */
export const HEALTH_BODY = "Ah, ha, ha, ha, stayin' alive, stayin' alive.";

/** Liveness endpoint at `health-path` (any method, 200). */
export function healthHandler(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end(HEALTH_BODY);
}

/** Serves `GET /health` on `health-path` (from the `server` slice). */
@Module({})
export class HealthModule implements NestModule {
  constructor(@Inject(SERVER_SETTINGS) private readonly server: ServerSettings) {}

  configure(consumer: MiddlewareConsumer): void {
    const { healthPath } = this.server;
    consumer.apply(onExactPath(healthPath, healthHandler)).forRoutes({ path: healthPath, method: RequestMethod.ALL });
  }
}
