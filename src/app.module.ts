import { Module, type DynamicModule, type ModuleMetadata, type Type } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { BroadcastModule } from './broadcast/broadcast.module.js';
import { CableModule } from './cable/cable.module.js';
import { CableChannelsModule } from './channels/cable-channels.module.js';
import { ChannelsModule } from './channels/channels.module.js';
import type { CableConfig } from './capabilities.js';
import { CableConfigModule } from './config/cable-config.module.js';
import { DashboardModule } from './dashboard/dashboard.module.js';
import { HealthModule } from './health/health.module.js';
import { HubModule } from './hub.module.js';
import { LifecycleModule } from './lifecycle.module.js';
import { MetricsModule } from './metrics.module.js';
import { SignedStreamsModule } from './signed-streams/signed-streams.module.js';
import type { CableLogger } from './logging/cable-logger.js';
import { RpcModule } from './rpc/rpc.module.js';

/**
 * Root module: the config module (each slice under its own token) plus one
 * module per capability. `extraImports` lets users add their own Nest modules;
 * `fallback` is a module exporting `CHANNEL_FALLBACK` (default: `RpcModule`, which
 * provides the RPC fallback, or the no-RPC one under `norpc`; a custom fallback
 * replaces it, RPC identification included).
 */
@Module({})
export class AppModule {
  /** The application for one loaded config. */
  static forRoot(config: CableConfig, logger: CableLogger, extraImports: ModuleMetadata['imports'] = [], fallback?: Type<unknown> | DynamicModule): DynamicModule {
    return {
      module: AppModule,
      imports: [CableConfigModule.forRoot(config, logger), LifecycleModule, HubModule, AuthModule, ChannelsModule.forRoot({ fallback: fallback ?? RpcModule }), CableChannelsModule, SignedStreamsModule, BroadcastModule, HealthModule, MetricsModule, DashboardModule, CableModule, ...extraImports],
    };
  }
}
