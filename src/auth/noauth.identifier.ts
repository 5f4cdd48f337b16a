import type { ConnectionIdentifier, Handshake, IdentifyOutcome } from './identification.js';

/**
 * `--noauth` / `--public`: accept everyone; identifiers are `{"sid":"<sid>"}`
 * like anycable's public identity.
 */
export class NoauthIdentifier implements ConnectionIdentifier {
  readonly name = 'noauth';

  identify(handshake: Handshake): IdentifyOutcome {
    return { kind: 'accepted', identifiers: JSON.stringify({ sid: handshake.sid }) };
  }
}
