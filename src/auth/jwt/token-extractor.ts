/**
 * Finds the identification token in an upgrade request, in anycable's order
 * (server/headers_extractor.go, identity/jwt.go): header `x-<param>`, then a
 * `anycable-token.<token>` entry of `Sec-WebSocket-Protocol` (anycable 1.6),
 * then the `?<param>=` query parameter. Empty values count as absent.
 */
import type { Handshake } from '../identification.js';
import { TOKEN_SUBPROTOCOL_PREFIX } from '../../protocol/messages.js';

/** Where a token was found (for debug logs and tests). */
export type TokenSource = 'header' | 'subprotocol' | 'query';

/** A token and where it came from. */
export interface FoundToken {
  token: string;
  source: TokenSource;
}

/** Look the token up; `undefined` when the client sent none. */
export function extractToken(handshake: Pick<Handshake, 'headers' | 'protocols' | 'query'>, param: string): FoundToken | undefined {
  const header = handshake.headers[`x-${param.toLowerCase()}`];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader) return { token: fromHeader.trim(), source: 'header' };
  for (const protocol of handshake.protocols) {
    if (protocol.startsWith(TOKEN_SUBPROTOCOL_PREFIX) && protocol.length > TOKEN_SUBPROTOCOL_PREFIX.length) {
      return { token: protocol.slice(TOKEN_SUBPROTOCOL_PREFIX.length), source: 'subprotocol' };
    }
  }
  const fromQuery = handshake.query.get(param);
  if (fromQuery) return { token: fromQuery, source: 'query' };
  return undefined;
}
