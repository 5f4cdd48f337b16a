import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CABLE_CONFIG } from '../cable/cable.tokens.js';
import type { CableConfig } from '../config/cable-config.js';
import { IdentificationChain } from './identification-chain.js';
import { NoauthIdentifier } from './noauth.identifier.js';

/** Rank of the noauth step: after JWT (10) and RPC (50). */
export const NOAUTH_RANK = 90;

/**
 * Connection identification. Owns the chain; registers the noauth step when
 * `noauth` / `public` is on. Other modules (JWT, RPC) add their steps.
 */
@Global()
@Module({ providers: [IdentificationChain], exports: [IdentificationChain] })
export class AuthModule implements OnModuleInit {
  constructor(
    @Inject(CABLE_CONFIG) private readonly config: CableConfig,
    private readonly chain: IdentificationChain,
  ) {}

  onModuleInit(): void {
    if (this.config.noauth) this.chain.register(new NoauthIdentifier(), NOAUTH_RANK);
  }
}
