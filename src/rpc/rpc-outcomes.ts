/**
 * RPC answers turned into the outcome values sessions apply (anycable
 * node/node.go `Authenticate`, `Subscribe`, `Perform`, `handleCommandReply`):
 * every field of a `CommandResponse` maps onto the shared effects, so an RPC
 * channel changes a session exactly as a local one does. Pure functions.
 */
import type { IdentifyOutcome } from '../auth/identification.js';
import type { PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from '../channels/channel.js';
import type { StatePatch } from '../connection/connection-state.js';
import type { SubscriptionEffects } from '../connection/effects.js';
import type { RpcErrorCode, RpcOutcome } from './rpc-client.js';
import type { CommandResponse, ConnectionResponse } from './rpc-messages.js';

/** A state map from an `EnvResponse`, or undefined when it changes nothing (no patch to apply). */
function patchOf(map: Readonly<Record<string, string>> | undefined): StatePatch | undefined {
  if (!map) return undefined;
  for (const _ in map) return map;
  return undefined;
}

/**
 * The effects of a command answer (SUCCESS or FAILURE). `transmissions` are
 * relayed verbatim, so an empty list sends nothing (Rails sends its own
 * confirmation); any answer makes the session worth a Disconnect call.
 */
export function commandEffects(response: CommandResponse): SubscriptionEffects {
  return {
    transmissions: response.transmissions,
    stopStreams: response.stopStreams || undefined,
    stoppedStreams: response.stoppedStreams.length > 0 ? response.stoppedStreams : undefined,
    streams: response.streams.length > 0 ? response.streams : undefined,
    cstate: patchOf(response.env?.cstate),
    istate: patchOf(response.env?.istate),
    disconnect: response.disconnect || undefined,
    disconnectInterest: true,
  };
}

/** The reason logged for a call without an answer. */
function failureReason(code: RpcErrorCode, message: string): string {
  return `RPC ${code}: ${message}`;
}

/**
 * A subscribe answer. FAILURE forwards Rails' transmissions (its
 * `reject_subscription`); status ERROR sends nothing, as anycable does; a call
 * that got no answer (Rails down, slow, circuit open) is rejected, so the
 * client is not left waiting for a confirmation that will never come.
 */
export function subscribeOutcome(outcome: RpcOutcome<CommandResponse>): SubscribeOutcome {
  switch (outcome.kind) {
    case 'success':
      return { kind: 'confirmed', ...commandEffects(outcome.response) };
    case 'failure': {
      const { transmissions, cstate, disconnect, disconnectInterest } = commandEffects(outcome.response);
      return { kind: 'rejected', reason: 'rejected by the application', transmissions, cstate, disconnect, disconnectInterest };
    }
    case 'error':
      if (outcome.code === 'app_error') return { kind: 'error', reason: failureReason(outcome.code, outcome.message) };
      return { kind: 'rejected', reason: failureReason(outcome.code, outcome.message) };
  }
}

/** An unsubscribe answer; the session drops the subscription's streams and state whatever it says. */
export function unsubscribeOutcome(outcome: RpcOutcome<CommandResponse>): UnsubscribeOutcome {
  switch (outcome.kind) {
    case 'success':
    case 'failure': {
      const { transmissions, cstate, disconnect, disconnectInterest } = commandEffects(outcome.response);
      return { kind: 'unsubscribed', transmissions, cstate, disconnect, disconnectInterest };
    }
    case 'error':
      return { kind: 'error', reason: failureReason(outcome.code, outcome.message) };
  }
}

/** A `message` answer: SUCCESS and FAILURE are applied alike (anycable `handleCommandReply`); no answer sends nothing. */
export function performOutcome(outcome: RpcOutcome<CommandResponse>): PerformOutcome {
  switch (outcome.kind) {
    case 'success':
    case 'failure':
      return { kind: 'performed', ...commandEffects(outcome.response) };
    case 'error':
      return { kind: 'error', reason: failureReason(outcome.code, outcome.message) };
  }
}

/**
 * A Connect answer. SUCCESS relays Rails' transmissions (its welcome) verbatim
 * and keeps its `cstate`; FAILURE relays them, then the session closes as
 * `unauthorized`; no answer closes with 1011 and no frame, as anycable does.
 */
export function connectOutcome(outcome: RpcOutcome<ConnectionResponse>): IdentifyOutcome {
  switch (outcome.kind) {
    case 'success': {
      const { identifiers, transmissions, env } = outcome.response;
      return { kind: 'accepted', identifiers, transmissions, cstate: patchOf(env?.cstate), disconnectInterest: true };
    }
    case 'failure':
      return { kind: 'rejected', reason: 'unauthorized', transmissions: outcome.response.transmissions, detail: 'the RPC server refused the connection' };
    case 'error':
      return { kind: 'error', detail: `rpc connect: ${failureReason(outcome.code, outcome.message)}` };
  }
}
