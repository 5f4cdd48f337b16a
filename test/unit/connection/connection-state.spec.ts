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

  it('hands a connection whose env equals the previous one that same frozen env, and a new one as soon as anything kept differs', () => {
    const allow = ['cookie', 'x-api-key'];
    const first = connectionEnv('http://h/cable', { cookie: 'a=1' }, allow, '10.0.0.1');
    expect(connectionEnv('http://h/cable', { cookie: 'a=1', host: 'ignored' }, allow, '::ffff:10.0.0.1')).toBe(first);
    const differing = [
      connectionEnv('http://h/cable?x=1', { cookie: 'a=1' }, allow, '10.0.0.1'),
      connectionEnv('http://h/cable', { cookie: 'a=2' }, allow, '10.0.0.1'),
      connectionEnv('http://h/cable', { cookie: 'a=2', 'x-api-key': 'k' }, allow, '10.0.0.1'),
      connectionEnv('http://h/cable', { 'x-api-key': 'k' }, allow, '10.0.0.1'),
      connectionEnv('http://h/cable', { 'x-api-key': 'k' }, allow, '10.0.0.2'),
      connectionEnv('http://h/cable', { 'x-api-key': 'k' }, allow, undefined),
      connectionEnv('http://h/cable', {}, allow, undefined),
    ];
    expect(differing.map((env) => ({ url: env.url, headers: { ...env.headers } }))).toEqual([
      { url: 'http://h/cable?x=1', headers: { cookie: 'a=1', REMOTE_ADDR: '10.0.0.1' } },
      { url: 'http://h/cable', headers: { cookie: 'a=2', REMOTE_ADDR: '10.0.0.1' } },
      { url: 'http://h/cable', headers: { cookie: 'a=2', 'x-api-key': 'k', REMOTE_ADDR: '10.0.0.1' } },
      { url: 'http://h/cable', headers: { 'x-api-key': 'k', REMOTE_ADDR: '10.0.0.1' } },
      { url: 'http://h/cable', headers: { 'x-api-key': 'k', REMOTE_ADDR: '10.0.0.2' } },
      { url: 'http://h/cable', headers: { 'x-api-key': 'k' } },
      { url: 'http://h/cable', headers: {} },
    ]);
    expect(new Set([first, ...differing]).size).toBe(8);
    expect(first).toEqual({ url: 'http://h/cable', headers: { cookie: 'a=1', REMOTE_ADDR: '10.0.0.1' } });
  });
});
