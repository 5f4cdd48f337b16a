/**
 * The one place where the effects of a handler outcome reach a session, in
 * anycable's order (node/node.go `handleCommandReply`): stop all streams, else
 * the stopped ones; then new streams; then the state patch; then the
 * transmissions; the disconnect last, after them.
 */
import type { StatePatch } from '../connection/connection-state.js';
import type { DisconnectRequest, SubscriptionEffects } from '../connection/effects.js';

/** What applying effects needs from a session (implemented by `Session`). */
export interface EffectTarget {
  /** Join `stream` under `identifier` unless a per-connection limit refuses it. */
  startStream(stream: string, identifier: string): void;
  /** Leave one stream of the subscription `identifier`. */
  stopStream(stream: string, identifier: string): void;
  /** Leave every stream of the subscription `identifier`. */
  stopAllStreams(identifier: string): void;
  /** Merge state patches: `cstate` for the connection, `istate` for the subscription `identifier`. */
  patchState(cstate: StatePatch | undefined, identifier: string | undefined, istate: StatePatch | undefined): void;
  /** Queue one text frame (with the slow-client check). */
  send(frame: string): void;
  /** Close the connection as the outcome asks (see `DisconnectRequest`). */
  disconnectFor(request: DisconnectRequest): void;
  /** Remember that the fallback wants to hear about this connection's close. */
  markDisconnectInterest(): void;
}

/**
 * Apply `effects` to `target`. `identifier` is the subscription the command was
 * about (absent for connection-level outcomes: stream and `istate` effects are
 * then ignored); `defaultFrame` is sent when the outcome has no transmissions
 * (the `confirm_subscription` / `reject_subscription` of local channels).
 */
export function applyEffects(target: EffectTarget, identifier: string | undefined, effects: SubscriptionEffects, defaultFrame?: string): void {
  if (identifier !== undefined) {
    if (effects.stopStreams) target.stopAllStreams(identifier);
    else if (effects.stoppedStreams) for (const stream of effects.stoppedStreams) target.stopStream(stream, identifier);
    if (effects.streams) for (const stream of effects.streams) target.startStream(stream, identifier);
  }
  if (effects.disconnectInterest) target.markDisconnectInterest();
  if (effects.cstate || effects.istate) target.patchState(effects.cstate, identifier, effects.istate);
  if (effects.transmissions) for (const frame of effects.transmissions) target.send(frame);
  else if (defaultFrame !== undefined) target.send(defaultFrame);
  if (effects.disconnect) target.disconnectFor(effects.disconnect);
}
