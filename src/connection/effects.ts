/**
 * What a handler outcome may ask of a session besides its verdict: frames to
 * send, streams to start and stop, a state patch and a disconnect. The fields
 * are those of anycable's `CommandResponse` (rpc.proto); the session applies
 * them in anycable's order in one place (cable/outcome-applier.ts).
 */
import type { DisconnectReason } from '../protocol/disconnect-reasons.js';
import type { StatePatch } from './connection-state.js';

/**
 * Close the connection after the transmissions: `true` closes without a
 * disconnect frame (the handler sent its own, like an RPC `disconnect: true`);
 * a reason sends the catalogued `{"type":"disconnect"}` frame first.
 */
export type DisconnectRequest = true | { readonly reason: DisconnectReason; readonly reconnect?: boolean };

/** Effects on the connection as a whole (any outcome). */
export interface ConnectionEffects {
  /** Frames sent verbatim, in order, after stream and state changes. */
  readonly transmissions?: readonly string[];
  /** Patch for the connection state (`cstate`). */
  readonly cstate?: StatePatch;
  /** Close the connection, last, after the transmissions. */
  readonly disconnect?: DisconnectRequest;
  /**
   * The fallback wants its `disconnect` call when this connection closes
   * (anycable node/node.go `markDisconnectable`); once set it stays set.
   */
  readonly disconnectInterest?: boolean;
}

/** Effects on the subscription a command was about (subscribe and perform outcomes). */
export interface SubscriptionEffects extends ConnectionEffects {
  /** Leave every stream of this subscription; applied before `streams`. */
  readonly stopStreams?: boolean;
  /** Leave these streams (ignored when `stopStreams` is set). */
  readonly stoppedStreams?: readonly string[];
  /** Join these streams under this subscription's identifier. */
  readonly streams?: readonly string[];
  /** Patch for this subscription's state (`istate`); `$w` names its whisper stream. */
  readonly istate?: StatePatch;
}
