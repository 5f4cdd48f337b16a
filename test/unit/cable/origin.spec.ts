import { originAllowed } from '../../../src/cable/origin.js';
import { chooseSubprotocol } from '../../../src/cable/cable.ws-adapter.js';

describe('originAllowed', () => {
  it('allows everything when the list is empty', () => {
    expect(originAllowed([], undefined)).toBe(true);
    expect(originAllowed([], 'https://evil.test')).toBe(true);
  });
  it('matches host and port exactly, and *.domain suffixes', () => {
    const allowed = ['example.com', '*.example.org', 'localhost:3000'];
    expect(originAllowed(allowed, 'https://example.com')).toBe(true);
    expect(originAllowed(allowed, 'https://EXAMPLE.com')).toBe(true);
    expect(originAllowed(allowed, 'https://app.example.org')).toBe(true);
    expect(originAllowed(allowed, 'http://localhost:3000')).toBe(true);
    expect(originAllowed(allowed, 'http://localhost:3001')).toBe(false);
    expect(originAllowed(allowed, 'https://example.org.evil.test')).toBe(false);
    expect(originAllowed(allowed, 'https://notexample.com')).toBe(false);
    expect(originAllowed(allowed, undefined)).toBe(false);
    expect(originAllowed(allowed, 'garbage')).toBe(false);
  });
});

describe('chooseSubprotocol', () => {
  it('picks actioncable-v1-json and ignores the rest', () => {
    expect(chooseSubprotocol(new Set(['actioncable-v1-json', 'actioncable-unsupported']))).toBe('actioncable-v1-json');
    expect(chooseSubprotocol(new Set(['anycable-token.abc', 'actioncable-v1-json']))).toBe('actioncable-v1-json');
    expect(chooseSubprotocol(new Set(['mqtt']))).toBe(false);
    expect(chooseSubprotocol(new Set(['actioncable-v1-ext-json', 'anycable-token.abc']))).toBe('actioncable-v1-ext-json');
    expect(chooseSubprotocol(new Set(['actioncable-v1-ext-json', 'actioncable-v1-json']))).toBe('actioncable-v1-json');
  });
});
