import { RPC_RANK } from '../auth/identification-step.decorator.js';
import { Inject, Module, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { IdentificationChain } from '../auth/identification-chain.js';
import type { ChannelFallback } from '../channels/channel-fallback.js';
import { CHANNEL_FALLBACK } from '../channels/channels.tokens.js';
import { NoRpcFallback } from '../channels/no-rpc.fallback.js';
import type { AppSettings } from '../config/app.options.js';
import { APP_SETTINGS, CABLE_LOGGER, SERVER_SETTINGS } from '../config/config.tokens.js';
import type { ServerSettings } from '../config/server.options.js';
import { EdgeRegistry } from '../lifecycle/edge-registry.js';
import { HubModule } from '../hub.module.js';
import { Counters } from '../metrics/counters.js';
import type { AnyIoEdge } from '../lifecycle/io-edge.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { RpcClient } from './rpc-client.js';
import { createRpcClient } from './rpc-client-factory.js';
import { RpcEnvBuilder } from './rpc-env.js';
import { RpcFallback } from './rpc.fallback.js';
import { RpcIdentifier } from './rpc.identifier.js';
import { RPC_LOG_CONTEXT } from './rpc-reachability.js';
import type { RpcSettings } from './rpc.options.js';
import { RPC_CLIENT, RPC_SETTINGS } from './rpc.tokens.js';


/** The RPC fallback when a client exists (RPC on), else null. */
function rpcFallbackFor(settings: RpcSettings, client: RpcClient | null, logger: CableLogger, counters: Counters): RpcFallback | null {
  return client ? new RpcFallback(client, new RpcEnvBuilder(settings.env), settings.disconnect, logger, counters) : null;
}

/**
 * The optional RPC fallback to Rails (the design's `RpcFallback` module). Unless
 * `norpc` (or `public`, which implies it), it builds the gRPC or HTTP client
 * from `rpc_host`, provides `CHANNEL_FALLBACK` as the RPC fallback and adds the
 * Connect step to the identification chain; with RPC off it provides
 * `NoRpcFallback`. `AppModule` hands it to `ChannelsModule` as the fallback.
 * The client is an I/O edge: started at boot, stopped at shutdown after the
 * gateway has drained and the queued Disconnect calls were flushed.
 */
@Module({
  imports: [AuthModule, HubModule],
  providers: [
    {
      provide: RPC_CLIENT,
      inject: [RPC_SETTINGS, CABLE_LOGGER, Counters],
      useFactory: (settings: RpcSettings, logger: CableLogger, counters: Counters) => createRpcClient(settings.client, logger, counters) ?? null,
    },
    { provide: RpcFallback, inject: [RPC_SETTINGS, RPC_CLIENT, CABLE_LOGGER, Counters], useFactory: rpcFallbackFor },
    {
      provide: CHANNEL_FALLBACK,
      inject: [RpcFallback, CABLE_LOGGER],
      useFactory: (rpc: RpcFallback | null, logger: CableLogger): ChannelFallback => rpc ?? new NoRpcFallback(logger),
    },
  ],
  exports: [CHANNEL_FALLBACK],
})
export class RpcModule implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  /** When shutdown began (Nest's first hook, before the drain): the flush shares `shutdown_timeout` with it. */
  private shutdownStartedAt?: number;

  constructor(
    @Inject(RPC_SETTINGS) private readonly settings: RpcSettings,
    @Inject(RPC_CLIENT) private readonly client: RpcClient | null,
    @Inject(RpcFallback) private readonly fallback: RpcFallback | null,
    @Inject(APP_SETTINGS) private readonly app: AppSettings,
    @Inject(SERVER_SETTINGS) private readonly server: ServerSettings,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    private readonly chain: IdentificationChain,
    edgeRegistry: EdgeRegistry,
  ) {
    // why required (the default): with RPC on, Connect and channel commands go to Rails, so a node that cannot reach it should get no new clients.
    edgeRegistry.register(() => this.edges());
  }

  /** Start the client and, unless `noauth` accepts everyone first (as in anycable-go), register the Connect step. */
  async onModuleInit(): Promise<void> {
    const { client } = this;
    this.logger.logAt('debug', this.settings.summary, {}, RPC_LOG_CONTEXT);
    if (!client) return;
    await client.start();
    if (!this.app.noauth) this.chain.register(new RpcIdentifier(client, new RpcEnvBuilder(this.settings.env)), RPC_RANK);
  }

  /** The I/O edges this module owns (the RPC client, when RPC is on), for readiness reports and shutdown. */
  edges(): readonly AnyIoEdge[] {
    return this.client ? [this.client] : [];
  }

  onModuleDestroy(): void {
    this.shutdownStartedAt ??= Date.now();
  }

  /** After the drain: flush the Disconnect calls within what is left of `shutdown_timeout`, then stop the client. */
  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    const started = this.shutdownStartedAt ?? Date.now();
    await this.fallback?.flush(Math.max(0, started + this.server.shutdownTimeoutMs - Date.now()));
    await this.client.stop();
  }
}
