/**
 * The single-use token seam (`jwt_single_use`): remembers which tokens have
 * opened a connection until they expire. Implementations: memory (one node)
 * and Redis (every node sharing the Redis refuses a replay).
 */
import type { IoEdge } from '../../lifecycle/io-edge.js';

/** See file comment. An I/O edge: started at boot, stopped at shutdown, reports readiness. */
export interface ReplayStore extends IoEdge {
  /**
   * Record `key` until `expiresAtMs`. Resolves true the first time, false when
   * the key is already recorded (a replay). Rejects only when the store is down.
   */
  claim(key: string, expiresAtMs: number): Promise<boolean>;
}
