import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CABLE_CONFIG } from '../config/config.tokens.js';
import type { CableConfig } from '../config/cable-config.js';
import { onExactPath } from '../http/exact-path.js';

/** Body of the liveness response (anycable server/health_handler.go). */
export const HEALTH_BODY = "Ah, ha, ha, ha, stayin' alive, stayin' alive.";

/** Liveness endpoint at `health-path` (any method, 200). */
export function healthHandler(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/plain' }).end(HEALTH_BODY);
}

/** Serves `GET /health` on the configured path. */
@Module({})
export class HealthModule implements NestModule {
  constructor(@Inject(CABLE_CONFIG) private readonly config: CableConfig) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(onExactPath(this.config.healthPath, healthHandler)).forRoutes({ path: this.config.healthPath, method: RequestMethod.ALL });
  }
}
