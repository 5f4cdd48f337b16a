import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { DiscoveryModule, DiscoveryService } from '@nestjs/core';
import type { AppSettings } from '../config/app.options.js';
import { APP_SETTINGS } from '../config/config.tokens.js';
import { IdentificationChain } from './identification-chain.js';
import { IDENTIFICATION_STEP, JWT_RANK, NOAUTH_RANK } from './identification-step.decorator.js';
import type { ConnectionIdentifier } from './identification.js';
import { NoauthIdentifier } from './noauth.identifier.js';
import { JwtAuth, JwtModule } from './jwt/jwt.module.js';

export { JWT_RANK, NOAUTH_RANK, RPC_RANK } from './identification-step.decorator.js';

/**
 * Connection identification. Owns the chain; registers the JWT step when a
 * JWT secret / key is configured and the noauth step when `noauth` / `public`
 * is on (the `app` slice), then every `@IdentificationStep` provider of any
 * module at its rank. Other modules (RPC) may also register on the chain directly.
 */
@Module({ imports: [JwtModule, DiscoveryModule], providers: [IdentificationChain], exports: [IdentificationChain] })
export class AuthModule implements OnModuleInit {
  constructor(
    @Inject(APP_SETTINGS) private readonly app: AppSettings,
    private readonly chain: IdentificationChain,
    private readonly jwt: JwtAuth,
    private readonly discovery: DiscoveryService,
  ) {}

  onModuleInit(): void {
    if (this.jwt.identifier) this.chain.register(this.jwt.identifier, JWT_RANK);
    if (this.app.noauth) this.chain.register(new NoauthIdentifier(), NOAUTH_RANK);
    for (const wrapper of this.discovery.getProviders({ metadataKey: IDENTIFICATION_STEP.KEY })) {
      const { rank } = this.discovery.getMetadataByDecorator(IDENTIFICATION_STEP, wrapper)!;
      // why: a request-scoped or transient provider has no boot-time instance to call.
      if (!wrapper.instance) throw new Error(`@IdentificationStep ${wrapper.name} must be a singleton provider`);
      this.chain.register(wrapper.instance as ConnectionIdentifier, rank);
    }
  }
}
