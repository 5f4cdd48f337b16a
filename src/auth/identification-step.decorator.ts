/**
 * `@IdentificationStep({ rank })`: a provider class implementing
 * `ConnectionIdentifier`, placed in the identification chain at `rank` (lower
 * runs first). `AuthModule` finds every such provider at boot, in any module.
 */
import { DiscoveryService } from '@nestjs/core';
import type { ConnectionIdentifier } from './identification.js';

/** Rank of the JWT step: first, like anycable (identity/jwt.go wraps the RPC identifier). */
export const JWT_RANK = 10;
/** Rank the RPC Connect step registers at, once RPC is wired: after JWT, before noauth. */
export const RPC_RANK = 50;
/** Rank of the noauth step: after JWT (10) and RPC (50). */
export const NOAUTH_RANK = 90;

/** Where a step goes in the chain. */
export interface IdentificationStepOptions {
  /** Lower runs first: below 10 before JWT, 11-49 between JWT and RPC, 51-89 before noauth. A tie runs after the step registered first (built-ins register first). */
  readonly rank: number;
}

/** Nest discovery marker behind `@IdentificationStep`. */
export const IDENTIFICATION_STEP = DiscoveryService.createDecorator<IdentificationStepOptions>();

/** Place a provider class (a `ConnectionIdentifier`) in the identification chain at `options.rank`. */
export function IdentificationStep(options: IdentificationStepOptions): (target: abstract new (...args: never[]) => ConnectionIdentifier) => void {
  if (!Number.isFinite(options.rank)) throw new TypeError(`@IdentificationStep: rank must be a finite number, got ${options.rank}`);
  const mark = IDENTIFICATION_STEP(options);
  return (target) => mark(target);
}
