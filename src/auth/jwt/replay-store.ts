/**
 * The single-use token seam (`jwt_single_use`): remembers which tokens have
 * opened a connection until they expire. Implementations: memory (one node)
 * and Redis (every node sharing the Redis refuses a replay).
 */

/** See file comment. */
export interface ReplayStore {
  /** Short name for logs. */
  readonly name: string;
  /**
   * Record `key` until `expiresAtMs`. Resolves true the first time, false when
   * the key is already recorded (a replay). Rejects only when the store is down.
   */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
  /** Release resources (timers, connections). */
  close(): Promise<void>;
}
