/**
 * JWT identification step (rank 10 in the chain): finds the token, verifies
 * it, enforces single use, and maps the result onto an `IdentifyOutcome`
 * (anycable identity/jwt.go + identity/identity.go).
 * Bad tokens are `rejected` values, never exceptions (so never a 1011 close).
 */
import { createHash } from 'node:crypto';
import type { ConnectionIdentifier, Handshake, IdentifyOutcome } from '../identification.js';
import { extractToken } from './token-extractor.js';
import type { JwtVerifier, VerifyOutcome } from './jwt.verifier.js';
import type { ReplayStore } from './replay-store.js';

/** What the identifier is built from. */
export interface JwtIdentifierOptions {
  verifier: JwtVerifier;
  /** `jwt_param`. */
  param: string;
  /** `enforce_jwt`: no token => `unauthorized` instead of `next`. */
  enforce: boolean;
  /** `jwt_expire_sessions`: accepted outcomes carry `expiresAt`. */
  expireSessions: boolean;
  /** Set when `jwt_single_use` is on. */
  replayStore?: ReplayStore;
  /** JWKS refresh for an unknown `kid`; resolves true when new keys arrived. */
  refreshKeys?: () => Promise<boolean>;
}

const unauthorized = (detail: string): IdentifyOutcome => ({ kind: 'rejected', reason: 'unauthorized', detail: `jwt: ${detail}` });

/** The largest time a JS Date (and Redis PXAT) can hold: replay entries of tokens expiring later are kept until then. */
export const LAST_DATE_MS = 8_640_000_000_000_000;

/** The key a token is remembered under for single use: its `jti`, else the SHA-256 of the whole token. */
export function replayKeyOf(token: string, jti: string | undefined): string {
  return jti !== undefined ? `jti:${jti}` : `sha256:${createHash('sha256').update(token).digest('hex')}`;
}

/** See file comment. */
export class JwtIdentifier implements ConnectionIdentifier {
  readonly name = 'jwt';

  constructor(private readonly options: JwtIdentifierOptions) {}

  identify(handshake: Handshake): IdentifyOutcome | Promise<IdentifyOutcome> {
    const found = extractToken(handshake, this.options.param);
    if (!found) return this.options.enforce ? unauthorized('no token') : { kind: 'next' };
    const outcome = this.options.verifier.verify(found.token);
    if (outcome.kind === 'invalid' && outcome.unknownKid && this.options.refreshKeys) {
      return this.options.refreshKeys().then((changed) => this.decide(found.token, changed ? this.options.verifier.verify(found.token) : outcome));
    }
    return this.decide(found.token, outcome);
  }

  private decide(token: string, outcome: VerifyOutcome): IdentifyOutcome | Promise<IdentifyOutcome> {
    switch (outcome.kind) {
      case 'invalid':
        return unauthorized(outcome.detail);
      case 'expired':
        return { kind: 'rejected', reason: 'token_expired', detail: 'jwt: token expired' };
      case 'valid': {
        const accepted: IdentifyOutcome = {
          kind: 'accepted',
          identifiers: outcome.identifiers,
          claims: outcome.claims,
          ...(this.options.expireSessions && outcome.expiresAtMs !== undefined ? { expiresAt: outcome.expiresAtMs } : {}),
        };
        const store = this.options.replayStore;
        if (!store) return accepted;
        // A replay entry must be forgettable, so single-use tokens need an exp.
        if (outcome.expiresAtMs === undefined) return unauthorized('single-use tokens must carry exp');
        // why the clamp: a validly signed token may carry any exp; past the last JS date
        // Redis refuses PXAT while memory accepts it, and both stores must agree.
        const keepUntil = Math.min(outcome.expiresAtMs, LAST_DATE_MS);
        return store.claim(replayKeyOf(token, outcome.jti), keepUntil).then((first) => (first ? accepted : unauthorized('token already used')));
      }
    }
  }
}
