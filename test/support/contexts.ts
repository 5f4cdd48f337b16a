/** Contexts for channel and fallback unit tests, and handshakes for identification tests. */
import type { Handshake } from '../../src/auth/identification.js';
import type { ChannelContext } from '../../src/channels/channel.js';
import { EMPTY_STATE, type ConnectionEnv } from '../../src/connection/connection-state.js';

/** An env as a connection from 127.0.0.1 to `/cable` without cookies has it. */
export const TEST_ENV: ConnectionEnv = Object.freeze({ url: 'http://localhost/cable', headers: Object.freeze({ REMOTE_ADDR: '127.0.0.1' }) });

/** A read-only context with empty state; `overrides` replace any field. */
export function testContext(overrides: Partial<ChannelContext> = {}): ChannelContext {
  return { sid: 's1', identifiers: '{}', env: TEST_ENV, cstate: EMPTY_STATE, istate: () => EMPTY_STATE, signal: new AbortController().signal, disconnectInterest: false, sendToSubscription: () => false, ...overrides };
}

/** The handshake of a connection from 127.0.0.1 to `/cable` with no token; `overrides` replace any field. */
export function testHandshake(overrides: Partial<Handshake> = {}): Handshake {
  return { sid: 's1', url: 'http://localhost/cable', headers: {}, env: TEST_ENV, query: new URLSearchParams(), protocols: [], remoteAddress: '127.0.0.1', signal: new AbortController().signal, ...overrides };
}
