import { Inject, Injectable, Optional } from '@nestjs/common';
import { CABLE_LOGGER } from '../config/config.tokens.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { ConnectionIdentifier, Handshake, IdentifyOutcome } from './identification.js';

/**
 * Ordered list of identifiers; modules register theirs at init with a rank
 * (lower runs first: JWT 10, RPC 50, noauth 90). The first outcome that is not
 * `next` wins; when every step passes, the connection is `unauthorized`.
 */
@Injectable()
export class IdentificationChain {
  private steps: { rank: number; identifier: ConnectionIdentifier }[] = [];
  /** Whether accepted outcomes are stamped with the step's name (`via`), for the debug `connected` line only. */
  private readonly nameSteps: boolean;

  constructor(@Optional() @Inject(CABLE_LOGGER) logger?: Pick<CableLogger, 'debugEnabled'>) {
    // why only at debug: stamping copies the outcome, a cost every connection would pay for a line nobody reads.
    this.nameSteps = logger?.debugEnabled ?? false;
  }

  /** Add an identifier at `rank`. */
  register(identifier: ConnectionIdentifier, rank: number): void {
    this.steps = [...this.steps, { rank, identifier }].sort((a, b) => a.rank - b.rank);
  }

  /** Names of registered identifiers in order (for the boot log). */
  describe(): string[] {
    return this.steps.map((s) => s.identifier.name);
  }

  /** Run the chain. Exceptions from a step become `error` outcomes. */
  async identify(handshake: Handshake): Promise<IdentifyOutcome> {
    for (const { identifier } of this.steps) {
      let outcome: IdentifyOutcome;
      try {
        outcome = await identifier.identify(handshake);
      } catch (error) {
        return { kind: 'error', detail: `${identifier.name}: ${(error as Error).message}` };
      }
      if (outcome.kind === 'accepted' && this.nameSteps && outcome.via === undefined) return { ...outcome, via: identifier.name };
      if (outcome.kind !== 'next') return outcome;
    }
    return { kind: 'rejected', reason: 'unauthorized', detail: 'no identification method accepted the connection' };
  }
}
