/**
 * The identification seam: how a new connection gets its identifiers.
 * Identifiers (JWT, RPC Connect, noauth) are tried in order; each returns an
 * outcome value, never throws for bad credentials (anycable identity/identity.go).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { ConnectionEnv } from '../connection/connection-state.js';
import type { ConnectionEffects } from '../connection/effects.js';
import type { DisconnectReason } from '../protocol/disconnect-reasons.js';

/** What an identifier may look at: the upgrade request, already decoded. */
export interface Handshake {
  /** Session id assigned to the connection. */
  readonly sid: string;
  /** Full request URL with an http(s) scheme (what RPC's `env.url` carries). */
  readonly url: string;
  /** Request headers, lower-case names (all of them, only while identifying). */
  readonly headers: IncomingHttpHeaders;
  /** What the connection keeps for its life: URL, allow-listed headers, `REMOTE_ADDR` (RPC's `env`). */
  readonly env: ConnectionEnv;
  /** Query string of the upgrade URL. */
  readonly query: URLSearchParams;
  /** Subprotocols offered by the client, in order. */
  readonly protocols: readonly string[];
  /** Client address. */
  readonly remoteAddress: string;
  /**
   * Fires when the connection closes while identifying (cancels an RPC Connect); created on first
   * use, and only for identification: the session lets go of it once the outcome is applied.
   */
  readonly signal: AbortSignal;
}

/**
 * The result of one identification step. An accepted outcome may carry
 * transmissions (they replace the default welcome) and a `cstate` patch, applied
 * by the session like every other outcome (anycable node/node.go `Authenticate`).
 */
export type IdentifyOutcome =
  /** Accept: `identifiers` is the JSON string of connection identifiers; `expiresAt` (ms) ends the session with `token_expired`; `via` names the step (set by the chain, for the debug log). */
  | ({ kind: 'accepted'; identifiers: string; expiresAt?: number; claims?: Readonly<Record<string, unknown>>; via?: string } & Pick<ConnectionEffects, 'transmissions' | 'cstate' | 'disconnectInterest'>)
  /** Refuse: the transmissions (or a disconnect frame of this reason) are sent, then the socket is closed. */
  | { kind: 'rejected'; reason: DisconnectReason; transmissions?: readonly string[]; detail?: string }
  /** This step does not apply (e.g. no token); try the next one. */
  | { kind: 'next' }
  /** The step failed on our side (e.g. RPC down): close 1011 without a disconnect frame. */
  | { kind: 'error'; detail: string };

/** One way of identifying a connection. */
export interface ConnectionIdentifier {
  /** Short name for logs (`jwt`, `rpc`, `noauth`). */
  readonly name: string;
  identify(handshake: Handshake): IdentifyOutcome | Promise<IdentifyOutcome>;
}
