import { Inject, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CABLE_LOGGER } from '../config/config.tokens.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { BroadcastPipeline } from './broadcast-pipeline.js';
import type { BroadcastSettings } from './broadcast.options.js';
import { BROADCAST_SETTINGS } from './broadcast.tokens.js';
import { httpBroadcastHandler } from './http.broadcaster.js';
import { onExactPath } from '../http/exact-path.js';

/** Inbound broadcasting: the pipeline plus the enabled adapters (HTTP), from the `broadcast` slice. */
@Module({ providers: [BroadcastPipeline], exports: [BroadcastPipeline] })
export class BroadcastModule implements NestModule {
  constructor(
    @Inject(BROADCAST_SETTINGS) private readonly settings: BroadcastSettings,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    private readonly pipeline: BroadcastPipeline,
  ) {}

  configure(consumer: MiddlewareConsumer): void {
    const { http } = this.settings;
    if (!http) return;
    this.logger.logAt('info', 'HTTP broadcaster enabled', { path: http.path, auth: http.auth.kind });
    const handler = httpBroadcastHandler({ auth: http.auth, maxBodySize: http.maxBodySize, pipeline: this.pipeline, logger: this.logger });
    consumer.apply(onExactPath(http.path, handler)).forRoutes({ path: http.path, method: RequestMethod.ALL });
  }
}
