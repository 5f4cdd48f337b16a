import { Counters } from '../../../src/metrics/counters.js';

describe('Counters', () => {
  it('keeps the most recent disconnects, newest first, in a bounded ring', () => {
    const counters = new Counters();
    for (let i = 0; i < 60; i++) counters.disconnected(i % 2 ? 'remote' : 'too_slow', i);
    const recent = counters.recentDisconnects();
    expect(recent).toHaveLength(50);
    expect(recent[0]).toEqual({ at: 59, reason: 'remote' });
    expect(recent[49]).toEqual({ at: 10, reason: 'too_slow' });
    expect([counters.get('disconnects_total:remote'), counters.get('disconnects_total:too_slow')]).toEqual([30, 30]);
  });

  it('tracks at most 100 channel names; later ones are counted under (other)', () => {
    const counters = new Counters();
    for (let i = 0; i < 105; i++) counters.subscriptionsChanged(`C${i}`, 1);
    counters.subscriptionsChanged('C0', 1);
    expect(counters.get('subscriptions:C0')).toBe(2);
    expect(counters.get('subscriptions:C104')).toBe(0);
    expect(counters.get('subscriptions:(other)')).toBe(5);
    counters.subscriptionsChanged('C104', -1);
    expect(counters.get('subscriptions:(other)')).toBe(4);
    // exporters read them through snapshot(), under the same names
    expect(counters.snapshot()).toMatchObject({ 'subscriptions:C0': 2, 'subscriptions:C99': 1, 'subscriptions:(other)': 4 });
    expect(counters.snapshot()).not.toHaveProperty('subscriptions:C100');
  });
});
