import { Injectable } from '@nestjs/common';
import type { ConnectionIdentifier, Handshake, IdentifyOutcome } from './identification.js';

/**
 * Ordered list of identifiers; modules register theirs at init with a rank
 * (lower runs first: JWT 10, RPC 50, noauth 90). The first outcome that is not
 * `next` wins; when every step passes, the connection is `unauthorized`.
 */
@Injectable()
export class IdentificationChain {
  private steps: { rank: number; identifier: ConnectionIdentifier }[] = [];

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
      if (outcome.kind === 'accepted') return outcome.via === undefined ? { ...outcome, via: identifier.name } : outcome;
      if (outcome.kind !== 'next') return outcome;
    }
    return { kind: 'rejected', reason: 'unauthorized', detail: 'no identification method accepted the connection' };
  }
}
