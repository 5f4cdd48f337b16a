import { connectionEnv, EMPTY_STATE, patchState } from '../../../src/connection/connection-state.js';

describe('patchState', () => {
  it('sets keys, deletes those patched with an empty string, and returns a frozen copy', () => {
    const first = patchState(EMPTY_STATE, { a: '1', b: '2' });
    const second = patchState(first, { a: '', c: '3' });
    expect(second).toEqual({ b: '2', c: '3' });
    expect(first).toEqual({ a: '1', b: '2' });
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('returns the same map for an empty patch, and the shared empty map when every key is gone', () => {
    const state = patchState(EMPTY_STATE, { a: '1' });
    expect(patchState(state, undefined)).toBe(state);
    expect(patchState(state, {})).toBe(state);
    expect(patchState(state, { a: '' })).toBe(EMPTY_STATE);
  });

  it('keeps a key named __proto__ as ordinary state', () => {
    const state = patchState(EMPTY_STATE, JSON.parse('{"__proto__":"x"}') as Record<string, string>);
    expect(Object.keys(state)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(state)).toBe(Object.prototype);
  });
});

describe('connectionEnv', () => {
  it('keeps the allow-listed headers that have a value, plus REMOTE_ADDR, and nothing else', () => {
    const env = connectionEnv('http://example.com/cable?x=1', { cookie: 'a=1', 'x-api-key': '', authorization: 'Bearer s', host: 'example.com' }, ['cookie', 'x-api-key', 'x-missing'], '10.0.0.1');
    expect(env).toEqual({ url: 'http://example.com/cable?x=1', headers: { cookie: 'a=1', REMOTE_ADDR: '10.0.0.1' } });
    expect(Object.isFrozen(env) && Object.isFrozen(env.headers)).toBe(true);
  });

  it('leaves REMOTE_ADDR out when the address is unknown', () => {
    expect(connectionEnv('http://h/', {}, ['cookie'], undefined).headers).toEqual({});
  });

  it('reports an IPv4 client of a dual-stack socket as plain IPv4, as anycable-go does, and IPv6 as it is', () => {
    expect(connectionEnv('http://h/', {}, [], '::ffff:10.1.2.3').headers).toEqual({ REMOTE_ADDR: '10.1.2.3' });
    expect(connectionEnv('http://h/', {}, [], '::1').headers).toEqual({ REMOTE_ADDR: '::1' });
  });
});
