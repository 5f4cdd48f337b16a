import { Inject, Injectable, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { CABLE_LOGGER, REDIS_SETTINGS } from '../../config/config.tokens.js';
import type { RedisSettings } from '../../config/redis.options.js';
import { EdgeRegistry } from '../../lifecycle/edge-registry.js';
import type { AnyIoEdge } from '../../lifecycle/io-edge.js';
import type { CableLogger } from '../../logging/cable-logger.js';
import { systemClock, type Clock } from './clock.js';
import { JwksKeySource } from './jwks.key-source.js';
import { jwksLoaderFor } from './jwks-loader.js';
import { JwtIdentifier } from './jwt.identifier.js';
import type { JwtSettings } from './jwt-settings.js';
import { JWT_CLOCK, JWT_REPLAY_STORE, JWT_SETTINGS } from './jwt.tokens.js';
import { JwtVerifier } from './jwt.verifier.js';
import { MemoryReplayStore } from './memory.replay-store.js';
import { PublicKeySet } from './public-keys.js';
import { RedisReplayStore } from './redis.replay-store.js';
import type { ReplayStore } from './replay-store.js';

/**
 * Builds the JWT identifier from the settings (or nothing when JWT is off) and
 * owns its I/O lifecycle: the JWKS refresh timer and the replay store.
 */
@Injectable()
export class JwtAuth implements OnModuleInit, OnModuleDestroy {
  /** The identification step, or undefined when no secret / key is configured. */
  readonly identifier?: JwtIdentifier;
  private readonly jwks?: JwksKeySource;

  constructor(
    @Inject(JWT_SETTINGS) private readonly settings: JwtSettings,
    @Inject(JWT_REPLAY_STORE) private readonly replayStore: ReplayStore | null,
    @Inject(JWT_CLOCK) clock: Clock,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
    edgeRegistry: EdgeRegistry,
  ) {
    edgeRegistry.register(() => this.edges());
    if (!settings.enabled) return;
    if (settings.jwksLocation) {
      this.jwks = new JwksKeySource(jwksLoaderFor(settings.jwksLocation), { refreshMs: settings.jwksRefreshMs, clock, logger });
    }
    const verifier = new JwtVerifier({
      algorithms: settings.algorithms,
      hmacSecrets: settings.hmacSecrets,
      publicKeys: new PublicKeySet(settings.pemKeys, this.jwks),
      leewayMs: settings.leewayMs,
      requireExp: settings.requireExp,
      maxTokenLength: settings.maxTokenLength,
      clock,
    });
    const jwks = this.jwks;
    this.identifier = new JwtIdentifier({
      verifier,
      param: settings.param,
      enforce: settings.enforce,
      expireSessions: settings.expireSessions,
      replayStore: replayStore ?? undefined,
      refreshKeys: jwks ? () => jwks.refreshForUnknownKid() : undefined,
    });
  }

  /** The I/O edges this module owns (JWKS, replay store), for start, stop and readiness alike. */
  edges(): readonly AnyIoEdge[] {
    return [this.jwks, this.replayStore ?? undefined].filter((edge) => edge !== undefined);
  }

  async onModuleInit(): Promise<void> {
    if (!this.identifier) return;
    await this.jwks?.start();
    if (this.replayStore) {
      await this.replayStore.start();
      const replay = this.replayStore.readiness();
      if (replay.state === 'down') {
        this.logger.logAt('error', 'jwt replay store unreachable; single-use connections will fail until it is back', { store: replay.name, error: replay.detail ?? '' });
      }
    }
    this.logger.logAt('debug', 'jwt identification on', {
      param: this.settings.param,
      enforce: this.settings.enforce,
      algorithms: [...this.settings.algorithms].join(','),
      singleUse: this.settings.singleUse ? this.settings.replayStore : 'off',
      expireSessions: this.settings.expireSessions,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.edges().map((edge) => edge.stop()));
  }
}

/** Pick the replay store for `jwt_single_use` / `jwt_replay_store`; a Redis one connects to the shared `redis_url`. */
export function replayStoreFor(settings: JwtSettings, redis: RedisSettings, clock: Clock): ReplayStore | null {
  if (!settings.enabled || !settings.singleUse) return null;
  return settings.replayStore === 'redis' ? new RedisReplayStore(redis) : new MemoryReplayStore(clock);
}

/**
 * JWT identification (issue 3). Imported by `AuthModule`, which registers
 * `JwtAuth.identifier` in the chain. Reads the `jwt` slice (`JWT_SETTINGS`,
 * resolved once by the loader) and the `redis` slice for the replay store.
 */
@Module({
  providers: [
    { provide: JWT_CLOCK, useValue: systemClock },
    { provide: JWT_REPLAY_STORE, inject: [JWT_SETTINGS, REDIS_SETTINGS, JWT_CLOCK], useFactory: replayStoreFor },
    JwtAuth,
  ],
  exports: [JwtAuth],
})
export class JwtModule {}
