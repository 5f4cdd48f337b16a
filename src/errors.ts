/**
 * The catalogue of real failures (bugs or broken environment, not expected
 * outcomes). Every failure is a `CableError` with a stable code; docs/errors.md
 * lists them and a test keeps the two in sync.
 */
import type { DisconnectReason } from './protocol/disconnect-reasons.js';

/** Stable error codes with their one-line meaning. */
export const ERROR_CODES = {
  CABLE_ERR_CONFIG_INVALID: 'The configuration has problems; each is listed by option name.',
  CABLE_ERR_EXTENSION_LOAD: 'An --extensions module could not be loaded (missing, failed to import, wrong export) or its options break the naming rules; each problem names the path; exit code 2.',
  CABLE_ERR_SERVER_LISTEN: 'The HTTP/WebSocket server could not listen on host:port (in use, or no permission).',
  CABLE_ERR_IDENTIFY_FAILED: 'An identification step threw; the connection is closed with 1011 "Auth Error".',
  CABLE_ERR_CONNECTION_SETUP: 'Setting up an accepted WebSocket failed (a bug); that connection is closed with 1011, nothing else is affected.',
  CABLE_ERR_COMMAND_FAILED: 'A channel handler threw while handling a command; nothing is sent to the client.',
  CABLE_ERR_CHANNEL_DUPLICATE: 'Two channel registrations claim one channel name (or one takes a built-in name without override: true); start-up stops.',
  CABLE_ERR_HTTP_HANDLER: 'An HTTP handler threw (a bug); the request gets 500 with the JSON error body, nothing else is affected.',
  CABLE_ERR_CHANNEL_CONTEXT: 'A channel called a context method its hook does not allow (say, streamFrom after the hook returned, or reject outside subscribed); the call throws.',
} as const;

/** A code from the catalogue. */
export type CableErrorCode = keyof typeof ERROR_CODES;

/** The one error class cablecar throws. */
export class CableError extends Error {
  constructor(
    readonly code: CableErrorCode,
    message: string,
    /** Disconnect reason to send when the error ends a session. */
    readonly disconnectReason?: DisconnectReason,
  ) {
    super(`${code}: ${message}`);
    this.name = 'CableError';
  }
}
