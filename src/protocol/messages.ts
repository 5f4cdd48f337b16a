/**
 * Server -> client frames of the Action Cable protocol (`actioncable-v1-json`),
 * byte-compatible with Rails (actioncable/lib/action_cable/connection/base.rb,
 * channel/base.rb) and anycable common/common.go. Every wire string lives here.
 */
import { DISCONNECT_REASONS, type DisconnectReason } from './disconnect-reasons.js';

/** The plain Action Cable subprotocol (what the Rails client requires). */
export const ACTION_CABLE_SUBPROTOCOL = 'actioncable-v1-json';
/**
 * AnyCable's extended subprotocol (anycable common/common.go). cablecar accepts it and
 * honours its `{"command":"pong"}` keepalive (`pong_timeout`); history, session restore
 * and presence are not implemented (docs/protocol.md).
 */
export const EXTENDED_SUBPROTOCOL = 'actioncable-v1-ext-json';
/** Subprotocols we negotiate, in preference order (anycable common/common.go `ActionCableProtocols`). */
export const SUPPORTED_SUBPROTOCOLS = [ACTION_CABLE_SUBPROTOCOL, EXTENDED_SUBPROTOCOL] as const;
/** Subprotocol prefix that carries a JWT (`anycable-token.<token>`), anycable 1.6. */
export const TOKEN_SUBPROTOCOL_PREFIX = 'anycable-token.';

/** Timestamp precision for ping frames (`ping_timestamp_precision`, `?ptp`). */
export type PingPrecision = 's' | 'ms' | 'ns';

/** `{"type":"welcome","sid":"..."}`. */
export function welcomeFrame(sid: string): string {
  return `{"type":"welcome","sid":${JSON.stringify(sid)}}`;
}

/** `{"type":"ping","message":<unix time>}`; Rails sends seconds. */
export function pingFrame(nowMs: number, precision: PingPrecision): string {
  let stamp: string;
  if (precision === 's') stamp = String(Math.floor(nowMs / 1000));
  else if (precision === 'ms') stamp = String(Math.floor(nowMs));
  else stamp = `${Math.floor(nowMs)}000000`;
  return `{"type":"ping","message":${stamp}}`;
}

/** Reply to a client `{"command":"ping"}` (anycable node/session.go `handleClientPing`). */
export const PONG_FRAME = '{"type":"pong"}';

/** `{"identifier":...,"type":"confirm_subscription"}`, Rails' key order. */
export function confirmFrame(identifier: string): string {
  return `{"identifier":${JSON.stringify(identifier)},"type":"confirm_subscription"}`;
}

/** `{"identifier":...,"type":"reject_subscription"}`, Rails' key order. */
export function rejectFrame(identifier: string): string {
  return `{"identifier":${JSON.stringify(identifier)},"type":"reject_subscription"}`;
}

/**
 * A broadcast frame `{"identifier":...,"message":<payload>}`. `payloadJson` must
 * already be a JSON text (see {@link broadcastPayloadJson}).
 */
export function broadcastFrame(identifier: string, payloadJson: string, type?: string): string {
  const typePart = type ? `,"type":${JSON.stringify(type)}` : '';
  return `{"identifier":${JSON.stringify(identifier)},"message":${payloadJson}${typePart}}`;
}

/**
 * Turn broadcast `data` into the JSON text placed under `message`: data that is a JSON
 * text is embedded verbatim, minus the whitespace JSON allows around it; anything else
 * is sent as a JSON string (the choice anycable common/common.go `ToReplyFor` makes).
 * Verbatim keeps Rails' `\u003c` escapes, key order and number spelling byte for byte,
 * and `null` stays `null` as in Rails (actioncable/lib/action_cable/channel/streams.rb
 * decodes and transmits it); docs/protocol.md lists where anycable-go's bytes differ.
 */
export function broadcastPayloadJson(data: string): string {
  try {
    // why parse and drop the result: it is the validity check; the text itself is embedded,
    // so nothing is re-stringified (2-3x cheaper for a 1 KB Turbo payload than parse + stringify).
    JSON.parse(data);
  } catch {
    return JSON.stringify(data);
  }
  // why trim is exact here: the text parsed, so all that can surround the value is JSON whitespace.
  return data.trim();
}

/** `{"type":"disconnect","reason":...,"reconnect":...}`. */
export function disconnectFrame(reason: DisconnectReason, reconnect: boolean = DISCONNECT_REASONS[reason].reconnect): string {
  return `{"type":"disconnect","reason":${JSON.stringify(reason)},"reconnect":${reconnect}}`;
}
