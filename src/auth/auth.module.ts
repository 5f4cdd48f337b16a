import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { AppSettings } from '../config/app.options.js';
import { APP_SETTINGS } from '../config/config.tokens.js';
import { IdentificationChain } from './identification-chain.js';
import { NoauthIdentifier } from './noauth.identifier.js';
import { JwtAuth, JwtModule } from './jwt/jwt.module.js';

/** Rank of the JWT step: first, like anycable (identity/jwt.go wraps the RPC identifier). */
export const JWT_RANK = 10;

/** Rank of the noauth step: after JWT (10) and RPC (50). */
export const NOAUTH_RANK = 90;

/**
 * Connection identification. Owns the chain; registers the JWT step when a
 * JWT secret / key is configured and the noauth step when `noauth` / `public`
 * is on (the `app` slice). Other modules (RPC) add their steps.
 */
@Module({ imports: [JwtModule], providers: [IdentificationChain], exports: [IdentificationChain] })
export class AuthModule implements OnModuleInit {
  constructor(
    @Inject(APP_SETTINGS) private readonly app: AppSettings,
    private readonly chain: IdentificationChain,
    private readonly jwt: JwtAuth,
  ) {}

  onModuleInit(): void {
    if (this.jwt.identifier) this.chain.register(this.jwt.identifier, JWT_RANK);
    if (this.app.noauth) this.chain.register(new NoauthIdentifier(), NOAUTH_RANK);
  }
}
