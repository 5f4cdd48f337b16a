import { Global, Module, type DynamicModule, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { CABLE_LOGGER } from '../config/config.tokens.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { ChannelDiscovery } from './channel-discovery.js';
import { CHANNEL_FALLBACK } from './channels.tokens.js';
import { NoRpcFallback } from './no-rpc.fallback.js';

/** How the channels module is set up. */
export interface ChannelsModuleOptions {
  /** A module exporting `CHANNEL_FALLBACK` (the RPC module later); without one, `NoRpcFallback`. */
  fallback?: Type<unknown> | DynamicModule;
}

/**
 * Channel routing: discovers the channel registrations contributed by other
 * modules and builds the routing table at boot, with one fallback. Global
 * because it is configured once (`forRoot`) and read by the gateway and by
 * extension modules.
 */
@Global()
@Module({})
export class ChannelsModule {
  static forRoot(options: ChannelsModuleOptions = {}): DynamicModule {
    const noRpc = { provide: CHANNEL_FALLBACK, inject: [CABLE_LOGGER], useFactory: (logger: CableLogger) => new NoRpcFallback(logger) };
    return {
      module: ChannelsModule,
      imports: [DiscoveryModule, ...(options.fallback ? [options.fallback] : [])],
      providers: [ChannelDiscovery, ...(options.fallback ? [] : [noRpc])],
      exports: [ChannelDiscovery],
    };
  }
}
