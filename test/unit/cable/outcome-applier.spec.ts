import { applyEffects, type EffectTarget } from '../../../src/cable/outcome-applier.js';
import type { SubscriptionEffects } from '../../../src/connection/effects.js';

/** Records every call in order. */
function recorder(): EffectTarget & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    startStream: (stream, id) => log.push(`start ${stream} ${id}`),
    stopStream: (stream, id) => log.push(`stop ${stream} ${id}`),
    stopAllStreams: (id) => log.push(`stopAll ${id}`),
    patchState: (cstate, id, istate) => log.push(`state ${JSON.stringify(cstate ?? null)} ${id} ${JSON.stringify(istate ?? null)}`),
    send: (frame) => log.push(`send ${frame}`),
    disconnectFor: (request) => log.push(`disconnect ${JSON.stringify(request)}`),
    markDisconnectInterest: () => log.push('interest'),
  };
}

const everything: SubscriptionEffects = {
  disconnect: true,
  transmissions: ['t1', 't2'],
  istate: { i: '1' },
  cstate: { c: '1' },
  streams: ['new'],
  stoppedStreams: ['old'],
  stopStreams: true,
};

describe('applyEffects', () => {
  it("applies stop_streams, streams, state, transmissions and disconnect in anycable's order, whatever the field order", () => {
    const target = recorder();
    applyEffects(target, 'id', everything);
    expect(target.log).toEqual(['stopAll id', 'start new id', 'state {"c":"1"} id {"i":"1"}', 'send t1', 'send t2', 'disconnect true']);
  });

  it('stops only the listed streams when stop_streams is not set', () => {
    const target = recorder();
    applyEffects(target, 'id', { stoppedStreams: ['a', 'b'], streams: ['c'] });
    expect(target.log).toEqual(['stop a id', 'stop b id', 'start c id']);
  });

  it('ignores stream effects for connection-level outcomes but applies the rest', () => {
    const target = recorder();
    applyEffects(target, undefined, everything);
    expect(target.log).toEqual(['state {"c":"1"} undefined {"i":"1"}', 'send t1', 'send t2', 'disconnect true']);
  });

  it('sends the default frame only when the outcome has no transmissions', () => {
    const withDefault = recorder();
    applyEffects(withDefault, 'id', { disconnect: { reason: 'unauthorized' } }, 'confirm');
    expect(withDefault.log).toEqual(['send confirm', 'disconnect {"reason":"unauthorized"}']);
    const replaced = recorder();
    applyEffects(replaced, 'id', { transmissions: [] }, 'confirm');
    expect(replaced.log).toEqual([]);
  });

  it('marks the disconnect interest before anything else is applied, and only when asked', () => {
    const target = recorder();
    applyEffects(target, 'id', { disconnectInterest: true, cstate: { c: '1' } });
    expect(target.log).toEqual(['interest', 'state {"c":"1"} id null']);
    const no = recorder();
    applyEffects(no, 'id', { disconnectInterest: false });
    expect(no.log).toEqual([]);
  });

  it('does nothing for an empty outcome', () => {
    const target = recorder();
    applyEffects(target, 'id', {});
    expect(target.log).toEqual([]);
  });
});
