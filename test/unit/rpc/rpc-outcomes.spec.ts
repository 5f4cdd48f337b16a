import { commandEffects, connectOutcome, performOutcome, subscribeOutcome, unsubscribeOutcome } from '../../../src/rpc/rpc-outcomes.js';
import { commandReply, connectReply } from '../../support/rpc-client-double.js';

const success = <R>(response: R) => ({ kind: 'success' as const, response, attempts: 1 });
const failure = <R>(response: R) => ({ kind: 'failure' as const, response, attempts: 1 });
const REJECT = '{"identifier":"x","type":"reject_subscription"}';

describe('commandEffects', () => {
  it('maps every CommandResponse field onto the shared effects and asks for the Disconnect call', () => {
    const effects = commandEffects(commandReply({
      disconnect: true,
      stopStreams: true,
      streams: ['a'],
      stoppedStreams: ['b'],
      transmissions: ['t'],
      env: { cstate: { c: '1' }, istate: { $w: 'a', gone: '' } },
    }));
    expect(effects).toEqual({ transmissions: ['t'], stopStreams: true, stoppedStreams: ['b'], streams: ['a'], cstate: { c: '1' }, istate: { $w: 'a', gone: '' }, disconnect: true, disconnectInterest: true });
  });

  it('leaves out what changes nothing, but keeps an empty transmission list (Rails sent nothing, so nothing is sent)', () => {
    expect(commandEffects(commandReply({ env: { cstate: {}, istate: {} } }))).toEqual({
      transmissions: [], stopStreams: undefined, stoppedStreams: undefined, streams: undefined, cstate: undefined, istate: undefined, disconnect: undefined, disconnectInterest: true,
    });
  });
});

describe('subscribeOutcome', () => {
  it('confirms on SUCCESS with the effects (Rails sends the confirmation as a transmission)', () => {
    expect(subscribeOutcome(success(commandReply({ streams: ['chat'], transmissions: ['hi', 'confirm'] })))).toMatchObject({ kind: 'confirmed', streams: ['chat'], transmissions: ['hi', 'confirm'] });
  });

  it("rejects on FAILURE with Rails' transmissions and no stream changes", () => {
    const outcome = subscribeOutcome(failure(commandReply({ status: 2, transmissions: [REJECT], streams: ['ignored'] })));
    expect(outcome).toEqual({ kind: 'rejected', reason: 'rejected by the application', transmissions: [REJECT], cstate: undefined, disconnect: undefined, disconnectInterest: true });
  });

  it('sends nothing on status ERROR (an error outcome) but rejects when the call got no answer', () => {
    expect(subscribeOutcome({ kind: 'error', code: 'app_error', message: 'NoMethodError', attempts: 1 })).toEqual({ kind: 'error', reason: 'RPC app_error: NoMethodError' });
    for (const code of ['unavailable', 'deadline_exceeded', 'circuit_open', 'resource_exhausted'] as const) {
      expect(subscribeOutcome({ kind: 'error', code, message: 'down', attempts: 3 })).toEqual({ kind: 'rejected', reason: `RPC ${code}: down` });
    }
  });
});

describe('unsubscribeOutcome and performOutcome', () => {
  it('apply SUCCESS and FAILURE alike and report an error for no answer', () => {
    expect(unsubscribeOutcome(success(commandReply({ transmissions: ['bye'] })))).toMatchObject({ kind: 'unsubscribed', transmissions: ['bye'] });
    expect(unsubscribeOutcome(failure(commandReply({ status: 2 })))).toMatchObject({ kind: 'unsubscribed' });
    expect(unsubscribeOutcome({ kind: 'error', code: 'unavailable', message: 'x', attempts: 1 })).toEqual({ kind: 'error', reason: 'RPC unavailable: x' });
    expect(performOutcome(failure(commandReply({ status: 2, transmissions: ['t'], streams: ['s'] })))).toMatchObject({ kind: 'performed', transmissions: ['t'], streams: ['s'] });
    expect(performOutcome({ kind: 'error', code: 'app_error', message: 'boom', attempts: 1 })).toEqual({ kind: 'error', reason: 'RPC app_error: boom' });
  });
});

describe('connectOutcome', () => {
  it("accepts on SUCCESS with Rails' identifiers, transmissions verbatim and cstate", () => {
    expect(connectOutcome(success(connectReply({ env: { cstate: { u: '1' }, istate: {} } })))).toEqual({
      kind: 'accepted', identifiers: '{"user":"ann"}', transmissions: ['{"type":"welcome"}'], cstate: { u: '1' }, disconnectInterest: true,
    });
  });

  it('rejects as unauthorized on FAILURE with its transmissions, and is an error without an answer', () => {
    const unauthorized = '{"type":"disconnect","reason":"unauthorized","reconnect":false}';
    expect(connectOutcome(failure(connectReply({ status: 2, identifiers: '', transmissions: [unauthorized] })))).toMatchObject({ kind: 'rejected', reason: 'unauthorized', transmissions: [unauthorized] });
    expect(connectOutcome({ kind: 'error', code: 'unavailable', message: 'ECONNREFUSED', attempts: 4 })).toEqual({ kind: 'error', detail: 'rpc connect: RPC unavailable: ECONNREFUSED' });
    expect(connectOutcome({ kind: 'error', code: 'app_error', message: 'boom', attempts: 1 })).toMatchObject({ kind: 'error' });
  });
});
