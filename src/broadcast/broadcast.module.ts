import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CABLE_CONFIG, CABLE_LOGGER } from '../config/config.tokens.js';
import type { CableConfig } from '../config/cable-config.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { BroadcastPipeline } from './broadcast-pipeline.js';
import { broadcastAuthFor, httpBroadcastHandler } from './http.broadcaster.js';
import { onExactPath } from '../http/exact-path.js';

/** Inbound broadcasting: the pipeline plus the enabled adapters (HTTP). */
@Module({ providers: [BroadcastPipeline], exports: [BroadcastPipeline] })
export class BroadcastModule implements NestModule {
  constructor(
    @Inject(CABLE_CONFIG) private readonly config: CableConfig,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    private readonly pipeline: BroadcastPipeline,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    if (!this.config.broadcastAdapter.includes('http')) return;
    const auth = broadcastAuthFor(this.config.broadcastKey, this.config.public);
    this.logger.logAt('info', 'HTTP broadcaster enabled', { path: this.config.httpBroadcastPath, auth: auth.kind });
    const handler = httpBroadcastHandler({ auth, maxBodySize: this.config.httpBroadcastMaxBodySize, pipeline: this.pipeline, logger: this.logger });
    consumer.apply(onExactPath(this.config.httpBroadcastPath, handler)).forRoutes({ path: this.config.httpBroadcastPath, method: RequestMethod.ALL });
  }
}
