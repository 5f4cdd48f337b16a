import { IdentificationChain } from '../../../src/auth/identification-chain.js';
import type { ConnectionIdentifier, Handshake, IdentifyOutcome } from '../../../src/auth/identification.js';
import { testHandshake } from '../../support/contexts.js';

const handshake: Handshake = testHandshake();

/** A step that returns `outcome` (or throws it when it is an Error) and counts its calls. */
function step(name: string, outcome: IdentifyOutcome | Error | Promise<IdentifyOutcome>): ConnectionIdentifier & { calls: number } {
  return {
    name,
    calls: 0,
    identify() {
      this.calls++;
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  };
}

describe('IdentificationChain', () => {
  it('runs steps by rank, whatever the registration order', () => {
    const chain = new IdentificationChain();
    chain.register(step('noauth', { kind: 'next' }), 90);
    chain.register(step('jwt', { kind: 'next' }), 10);
    chain.register(step('rpc', { kind: 'next' }), 50);
    expect(chain.describe()).toEqual(['jwt', 'rpc', 'noauth']);
  });

  it('returns the first outcome that is not next, and runs no later step', async () => {
    const chain = new IdentificationChain();
    const jwt = step('jwt', { kind: 'next' });
    const rpc = step('rpc', Promise.resolve({ kind: 'accepted', identifiers: '{"u":1}' }));
    const noauth = step('noauth', { kind: 'accepted', identifiers: '{}' });
    chain.register(jwt, 10);
    chain.register(rpc, 50);
    chain.register(noauth, 90);
    expect(await chain.identify(handshake)).toEqual({ kind: 'accepted', identifiers: '{"u":1}' });
    expect([jwt.calls, rpc.calls, noauth.calls]).toEqual([1, 1, 0]);
  });

  it('names the accepting step (via) only when debug logging would show it', async () => {
    const quiet = new IdentificationChain({ debugEnabled: false });
    const debug = new IdentificationChain({ debugEnabled: true });
    for (const chain of [quiet, debug]) chain.register(step('rpc', { kind: 'accepted', identifiers: '{"u":1}' }), 50);
    expect(await quiet.identify(handshake)).toEqual({ kind: 'accepted', identifiers: '{"u":1}' });
    expect(await debug.identify(handshake)).toEqual({ kind: 'accepted', identifiers: '{"u":1}', via: 'rpc' });
  });

  it('stops at a rejection', async () => {
    const chain = new IdentificationChain();
    chain.register(step('jwt', { kind: 'rejected', reason: 'token_expired' }), 10);
    const after = step('noauth', { kind: 'accepted', identifiers: '{}' });
    chain.register(after, 90);
    expect(await chain.identify(handshake)).toEqual({ kind: 'rejected', reason: 'token_expired' });
    expect(after.calls).toBe(0);
  });

  it('turns a throwing step into an error outcome naming the step', async () => {
    const chain = new IdentificationChain();
    chain.register(step('rpc', new Error('connect ECONNREFUSED')), 50);
    expect(await chain.identify(handshake)).toEqual({ kind: 'error', detail: 'rpc: connect ECONNREFUSED' });
  });

  it('is unauthorized when no step accepts (or when there is none)', async () => {
    const chain = new IdentificationChain();
    expect(await chain.identify(handshake)).toMatchObject({ kind: 'rejected', reason: 'unauthorized' });
    chain.register(step('jwt', { kind: 'next' }), 10);
    expect(await chain.identify(handshake)).toMatchObject({ kind: 'rejected', reason: 'unauthorized' });
  });
});
