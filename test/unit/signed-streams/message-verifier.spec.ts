import { createHmac } from 'node:crypto';
import { MessageVerifier } from '../../../src/signed-streams/message-verifier.js';
import { fixtureCase, fixtureKey, vectors } from './fixtures.js';

const verifierFor = (c: (typeof vectors.cases)[number]) =>
  new MessageVerifier({
    keys: c.verifier.keys.map(fixtureKey),
    digest: c.verifier.digest,
    purpose: c.verifier.purpose,
    now: c.now ? () => Date.parse(c.now!) : undefined,
  });

/** The refusal reason expected for some invalid vectors (the rest only need to be refused). */
const REASONS: Record<string, string> = {
  'wrong-key': 'signature mismatch',
  'tampered-data': 'signature mismatch',
  'tampered-digest': 'signature mismatch',
  'digest-uppercase': 'signature mismatch',
  'rotation-previous-key-not-configured': 'signature mismatch',
  'legacy-expired': 'expired',
  'legacy-expires-in-after-exp': 'expired',
  'rails71-expired': 'expired',
  'rails71-expired-no-purpose': 'expired',
  'rails71-expires-at-boundary': 'expired',
  'legacy-purpose-mismatch': 'purpose mismatch',
  'legacy-purpose-unexpected': 'purpose mismatch',
  'rails71-purpose-mismatch': 'purpose mismatch',
  'value-object': 'signed value is an object, not a string',
  'value-null': 'signed value is null, not a string',
  'rails71-non-string-data': 'signed value is an array, not a string',
  'legacy-non-string-inside': 'signed value is an object, not a string',
};

describe('MessageVerifier against ActiveSupport vectors', () => {
  it('has a meaningful number of cases from the Ruby generator', () => {
    expect(vectors.activesupport).toMatch(/^6\.1\./);
    expect(vectors.cases.length).toBeGreaterThan(40);
  });

  it.each(vectors.cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const result = verifierFor(c).verify(c.signed);
    if (c.expect.kind === 'verified') expect(result).toEqual({ kind: 'verified', stream: c.expect.stream });
    else expect(result).toEqual({ kind: 'invalid', reason: REASONS[c.id] ?? expect.any(String) });
  });
});

describe('MessageVerifier', () => {
  const key = 'k3y';

  it('accepts the same name signed with standard and URL-safe base64', () => {
    const v = new MessageVerifier({ keys: [key] });
    const std = v.generate('x>y');
    const url = v.generate('x>y', { urlSafe: true });
    expect(std.split('--')[0]).toContain('+');
    expect(url.split('--')[0]).toContain('-');
    expect(v.verify(std)).toEqual({ kind: 'verified', stream: 'x>y' });
    expect(v.verify(url)).toEqual({ kind: 'verified', stream: 'x>y' });
  });

  it('accepts URL-safe base64 without padding', () => {
    const v = new MessageVerifier({ keys: [key] });
    const data = Buffer.from(JSON.stringify('ab')).toString('base64url');
    expect(data).not.toContain('=');
    const signed = `${data}--${new MessageVerifier({ keys: [key] }).generate('ignored').split('--')[1]}`;
    expect(v.verify(signed).kind).toBe('invalid'); // digest of another payload
    const ok = `${data}--${createHmac('sha256', key).update(data).digest('hex')}`;
    expect(v.verify(ok)).toEqual({ kind: 'verified', stream: 'ab' });
  });

  it('rejects a base64 text mixing both alphabets even when correctly signed', () => {
    const v = new MessageVerifier({ keys: [key] });
    const data = 'In+-';
    expect(v.verify(`${data}--${createHmac('sha256', key).update(data).digest('hex')}`)).toMatchObject({ kind: 'invalid', reason: 'data is not base64' });
  });

  it('rejects a correctly signed payload that is not valid UTF-8', () => {
    const v = new MessageVerifier({ keys: [key] });
    const data = Buffer.from([0x22, 0xff, 0x22]).toString('base64');
    expect(v.verify(`${data}--${createHmac('sha256', key).update(data).digest('hex')}`)).toMatchObject({ kind: 'invalid', reason: 'data is not UTF-8' });
  });

  it('rejects encoded surrogates and overlong forms as not UTF-8, drops a leading byte order mark, and refuses an uppercase digest', () => {
    const v = new MessageVerifier({ keys: [key] });
    const sign = (bytes: number[]) => {
      const data = Buffer.from(bytes).toString('base64');
      return `${data}--${createHmac('sha256', key).update(data).digest('hex')}`;
    };
    expect(v.verify(sign([0x22, 0xed, 0xa0, 0x80, 0x22]))).toMatchObject({ kind: 'invalid', reason: 'data is not UTF-8' });
    expect(v.verify(sign([0x22, 0xc0, 0xa2, 0x22]))).toMatchObject({ kind: 'invalid', reason: 'data is not UTF-8' });
    expect(v.verify(sign([0xef, 0xbb, 0xbf, ...Buffer.from('"room:1"')]))).toEqual({ kind: 'verified', stream: 'room:1' });
    const [data, digest] = v.generate('room:1').split('--');
    expect(v.verify(`${data}--${digest.toUpperCase()}`)).toMatchObject({ kind: 'invalid', reason: 'signature mismatch' });
  });

  it('finds the digest from the end, so a data part containing -- is handled exactly', () => {
    const v = new MessageVerifier({ keys: [key] });
    const signed = v.generate('chat');
    const [data, digest] = signed.split('--');
    expect(v.verify(`${data}--x--${digest}`)).toMatchObject({ kind: 'invalid' });
    expect(v.verify(`${signed}--${digest}`)).toMatchObject({ kind: 'invalid' });
  });

  it('never throws on garbage input', () => {
    const v = new MessageVerifier({ keys: [key] });
    for (const input of ['', '--', '----', 'a--b', '€'.repeat(80), `x--${'€'.repeat(64)}`, `${'='.repeat(10)}--${'0'.repeat(64)}`]) {
      expect(v.verify(input).kind).toBe('invalid');
    }
  });

  it('refuses to be built without a key, so a missing secret can never verify anything', () => {
    expect(() => new MessageVerifier({ keys: [] })).toThrow(/key/);
    expect(() => new MessageVerifier({ keys: [''] })).toThrow(/key/);
  });

  it('tries retired keys after the current one (rotation)', () => {
    const old = new MessageVerifier({ keys: ['old'] }).generate('chat:1');
    expect(new MessageVerifier({ keys: ['new'] }).verify(old).kind).toBe('invalid');
    expect(new MessageVerifier({ keys: ['new', 'older', 'old'] }).verify(old)).toEqual({ kind: 'verified', stream: 'chat:1' });
  });

  it('checks envelope expiry against the injected clock', () => {
    const signed = fixtureCase('rails71-expires-future').signed;
    const v = (now: number) => new MessageVerifier({ keys: [fixtureKey('streams')], now: () => now });
    expect(v(Date.parse('2998-12-31T23:59:59.999Z')).verify(signed).kind).toBe('verified');
    expect(v(Date.parse('2999-01-01T00:00:00.000Z')).verify(signed)).toMatchObject({ kind: 'invalid', reason: 'expired' });
  });

  it('returns non-string values from verifyValue but refuses them as stream names', () => {
    const c = fixtureCase('value-object');
    const v = new MessageVerifier({ keys: [fixtureKey('turbo')] });
    expect(v.verifyValue(c.signed)).toEqual({ kind: 'verified', value: { stream: 'chat:1' } });
    expect(v.verify(c.signed)).toEqual({ kind: 'invalid', reason: 'signed value is an object, not a string' });
  });

  it('generates what ActiveSupport generates (Turbo fixture round trip)', () => {
    const c = fixtureCase('turbo-unicode');
    const v = new MessageVerifier({ keys: [fixtureKey('turbo')] });
    expect(v.generate((c.expect as { stream: string }).stream)).toBe(c.signed);
    const a = fixtureCase('anycable-urlsafe-dash');
    expect(new MessageVerifier({ keys: [fixtureKey('streams')] }).generate('x>y', { urlSafe: true })).toBe(a.signed);
  });
});
