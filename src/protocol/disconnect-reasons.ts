/**
 * The disconnect-reason catalogue: every reason cablecar may put into a
 * `{"type":"disconnect"}` frame, with its `reconnect` default and the WebSocket
 * close code/text that follows it; `reserved` marks a reason clients know that cablecar itself never sends. Mirrors anycable node/node.go, node/session.go,
 * hub/hub.go, identity/identity.go and identity/jwt.go, and anycable-rails
 * lib/anycable/rails/connection.rb (`invalid_request`).
 */
export const DISCONNECT_REASONS = {
  unauthorized: { reconnect: false, closeCode: 1000, closeText: 'Auth Failed', when: 'identification failed (bad or missing credentials)' },
  token_expired: { reconnect: false, closeCode: 1000, closeText: 'Auth Failed', when: 'the JWT presented (or held by the session) has expired' },
  server_restart: { reconnect: true, closeCode: 1001, closeText: 'Server restart', when: 'graceful shutdown of this node' },
  remote: { reconnect: true, closeCode: 1000, closeText: 'Closed remotely', when: 'a remote disconnect command from the Rails app' },
  too_slow: { reconnect: true, closeCode: 1000, closeText: 'Too slow', when: 'the outgoing buffer grew past ws_max_pending_size' },
  no_pong: { reconnect: true, closeCode: 1000, closeText: 'No Pong', when: 'the client stopped answering pings' },
  idle_timeout: { reconnect: false, closeCode: 1000, closeText: 'Idle Timeout', when: 'no identification arrived in time' },
  rate_limited: { reconnect: true, closeCode: 1008, closeText: 'Rate limited', when: 'the connection sent commands faster than command_rate allows (cablecar only)' },
  // why kept although cablecar never sends it: Rails' own RPC transmissions may carry it (verbatim), and clients know it.
  invalid_request: {
    reconnect: false,
    closeCode: 1000,
    closeText: 'Invalid request',
    when: 'reserved: cablecar refuses such requests before the upgrade with an HTTP status (403 `origin_not_allowed`, 400 `bad_request`); it reaches a client only inside a Rails RPC transmission (anycable-rails `verify_origin!`)',
    reserved: true,
  },
} as const;

/** A reason from the catalogue. */
export type DisconnectReason = keyof typeof DISCONNECT_REASONS;

/** Close code used when the server closes without a disconnect frame because of a bug on our side. */
export const CLOSE_INTERNAL_ERROR = 1011;
/** Close code for policy violations (RFC 6455 §7.4.1): a fragmented message that never finishes. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** Close code `ws` uses for frames larger than `max_message_size`. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;

/** Whether a string names a catalogued reason. */
export function isDisconnectReason(value: string): value is DisconnectReason {
  return Object.prototype.hasOwnProperty.call(DISCONNECT_REASONS, value);
}
