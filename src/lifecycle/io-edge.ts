/**
 * The contract every I/O edge shares (broadcasters, pub/sub, RPC clients, the
 * JWT replay store, JWKS), so health, metrics and shutdown treat them alike
 * without knowing which implementation they hold. No Nest import: edges are
 * plain classes, wired by their modules.
 */

/** Where an edge stands: `starting` until its first connection or load, then `up` or `down`. */
export type EdgeState = 'up' | 'down' | 'starting';

/** One edge's readiness as health and metrics report it. `detail` never carries a secret. */
export interface EdgeReadiness {
  /** Stable name of the dependency, e.g. `broadcaster:http`, `jwt-replay:redis`. */
  readonly name: string;
  readonly state: EdgeState;
  /** One line for operators: the last error while down, what is served while up. */
  readonly detail?: string;
  /**
   * False when the node still serves fully while this edge is not up (JWKS with
   * previous keys), so readiness stays 200; absent = required.
   */
  readonly required?: boolean;
}

/**
 * An I/O edge. `Input` is what its owner hands it at start (a broadcaster gets its
 * sink, a pub/sub the node's delivery); edges that need nothing take `void`.
 * `start` resolves once the edge serves or retries on its own in the background
 * (a dependency that is down is reported by `readiness()`, not thrown); it rejects
 * only for a fault that should abort boot. `stop` releases timers and connections
 * and is safe to call twice.
 */
export interface IoEdge<Input = void> {
  start(input: Input): Promise<void>;
  stop(): Promise<void>;
  /** Current state; cheap and synchronous, so a readiness probe can call it on every request. */
  readiness(): EdgeReadiness;
}

/** Any edge, whatever its start input: what health and shutdown hold in one list. */
export type AnyIoEdge = IoEdge<never>;
