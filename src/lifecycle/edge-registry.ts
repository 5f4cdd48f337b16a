/**
 * Where modules list the I/O edges they own, so the readiness endpoint can
 * report every one of them without importing their modules (and user modules
 * can add their own). Plain class; `LifecycleModule` provides one per app.
 */
import type { AnyIoEdge, EdgeReadiness } from './io-edge.js';

/** A module's edges, asked for on every report (so edges built late are included). */
export type EdgeSource = () => readonly AnyIoEdge[];

/** See file comment. */
export class EdgeRegistry {
  private readonly sources: EdgeSource[] = [];

  /** Add a module's edges. */
  register(source: EdgeSource): void {
    this.sources.push(source);
  }

  /** Every registered edge's readiness, in registration order. */
  readiness(): EdgeReadiness[] {
    return this.sources.flatMap((source) => source().map((edge) => edge.readiness()));
  }
}
