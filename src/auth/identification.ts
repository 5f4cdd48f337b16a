/**
 * The identification seam: how a new connection gets its identifiers.
 * Identifiers (JWT, RPC Connect, noauth) are tried in order; each returns an
 * outcome value, never throws for bad credentials (anycable identity/identity.go).
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { DisconnectReason } from '../protocol/disconnect-reasons.js';

/** What an identifier may look at: the upgrade request, already decoded. */
export interface Handshake {
  /** Session id assigned to the connection. */
  readonly sid: string;
  /** Full request URL with an http(s) scheme (what RPC's `env.url` carries). */
  readonly url: string;
  /** Request headers, lower-case names. */
  readonly headers: IncomingHttpHeaders;
  /** Query string of the upgrade URL. */
  readonly query: URLSearchParams;
  /** Subprotocols offered by the client, in order. */
  readonly protocols: readonly string[];
  /** Client address. */
  readonly remoteAddress: string;
}

/** The result of one identification step. */
export type IdentifyOutcome =
  /** Accept: `identifiers` is the JSON string of connection identifiers. */
  | { kind: 'accepted'; identifiers: string; transmissions?: readonly string[]; expiresAt?: number }
  /** Refuse with a disconnect frame of this reason. */
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
