import { createHmac } from 'node:crypto';
import { resolveAppSettings, AppOptions } from '../../../src/config/app.options.js';
import { MessageVerifier } from '../../../src/signed-streams/message-verifier.js';
import { deriveRailsKey, RAILS_KEY_SALTS } from '../../../src/signed-streams/rails-key-generator.js';
import { parseKeyList, resolveSignedStreams } from '../../../src/signed-streams/signed-streams-settings.js';
import { StreamsOptions } from '../../../src/signed-streams/signed-streams.options.js';
import { SignedStreams } from '../../../src/signed-streams/signed-streams.service.js';
import { fixtureCase, vectors } from './fixtures.js';

/** Streams options plus the shared app options (`secret`, `public`) they read. */
type Inputs = Partial<StreamsOptions> & Partial<Pick<AppOptions, 'secret' | 'public'>>;

/** Resolve the `streams` slice as the loader does: the `app` slice first, handed in as `shared`. */
const resolve = ({ secret = '', public: isPublic = false, ...streams }: Inputs = {}) => {
  const app = resolveAppSettings(Object.assign(new AppOptions(), { secret, public: isPublic })).settings;
  return resolveSignedStreams(Object.assign(new StreamsOptions(), streams), { app });
};
const streamsFor = (inputs: Inputs = {}) => new SignedStreams(resolve(inputs).settings);
const sign = (key: string | Buffer, name: string) => new MessageVerifier({ keys: [key] }).generate(name);

describe('resolveSignedStreams (the streams capability)', () => {
  it('refuses every signed $pubsub name when no secret is configured', () => {
    const streams = streamsFor();
    expect(streams.settings.pubsub.verifier).toBeUndefined();
    const data = Buffer.from('"chat"').toString('base64');
    const emptyKeySigned = `${data}--${createHmac('sha256', '').update(data).digest('hex')}`;
    expect(streams.verify('pubsub', emptyKeySigned).kind).toBe('invalid');
    expect(streams.verify('pubsub', sign('anything', 'chat')).kind).toBe('invalid');
  });

  it('uses streams_secret, falling back to secret', () => {
    expect(streamsFor({ secret: 'app' }).verify('pubsub', sign('app', 'a'))).toEqual({ kind: 'verified', stream: 'a' });
    const both = streamsFor({ secret: 'app', streamsSecret: 'streams' });
    expect(both.verify('pubsub', sign('streams', 'a')).kind).toBe('verified');
    expect(both.verify('pubsub', sign('app', 'a')).kind).toBe('invalid');
    expect(both.settings.pubsub.keySource).toBe('streams_secret');
  });

  it('accepts previous streams secrets (rotation)', () => {
    const s = streamsFor({ streamsSecret: 'new', streamsSecretPrevious: ['old1', 'old2'] });
    expect(s.verify('pubsub', sign('old2', 'a')).kind).toBe('verified');
    expect(s.verify('pubsub', sign('old3', 'a')).kind).toBe('invalid');
    expect(parseKeyList([' a', '', 'b '])).toEqual(['a', 'b']);
  });

  it('leaves Turbo and CableReady to the fallback unless enabled', () => {
    const s = resolve({ secret: 'app' });
    expect(s.settings.turbo).toEqual({ kind: 'disabled', reason: 'turbo_streams is off' });
    expect(s.settings.cableReady).toEqual({ kind: 'disabled', reason: 'cable_ready is off' });
    expect(s.warnings).toEqual([]);
    expect(s.problems).toEqual([]);
  });

  it('reports an enabled channel without any key as a problem naming the option', () => {
    const s = resolve({ turboStreams: true, cableReady: true });
    expect(s.settings.turbo).toEqual({ kind: 'disabled', reason: 'no key' });
    expect(s.problems).toEqual([
      'turbo_streams: on, but no Turbo key is set (turbo_streams_secret, rails_secret_key_base, streams_secret or secret)',
      'cable_ready: on, but no CableReady key is set (cable_ready_secret, rails_secret_key_base, streams_secret or secret)',
    ]);
    expect(s.warnings).toEqual([]);
  });

  it('reports streams_whisper without a streams secret as a problem', () => {
    expect(resolve({ streamsWhisper: true }).problems).toEqual([
      'streams_whisper: on, but no streams secret is set (streams_secret or secret), so there are no signed $pubsub streams to whisper on',
    ]);
    expect(resolve({ streamsWhisper: true, secret: 'app' }).problems).toEqual([]);
  });

  it('turns public streams on in public mode, and says so for --print-config', () => {
    expect(resolve({ public: true })).toMatchObject({ settings: { pubsub: { publicStreams: true } }, implied: { publicStreams: true } });
    expect(resolve({ publicStreams: true }).implied).toBeUndefined();
    expect(resolve().settings.pubsub.publicStreams).toBe(false);
  });

  it('resolves the Turbo key: explicit > deprecated turbo_rails_key > rails_secret_key_base > streams secret', () => {
    const base = { turboStreams: true, secret: 'app', streamsSecret: 'streams' };
    const source = (o: Inputs) => {
      const t = resolve({ ...base, ...o }).settings.turbo;
      return t.kind === 'enabled' ? t.keySource : t.reason;
    };
    expect(source({})).toBe('streams_secret');
    expect(source({ railsSecretKeyBase: 'skb' })).toMatch(/^rails_secret_key_base \(sha256/);
    expect(source({ railsSecretKeyBase: 'skb', turboRailsKey: 'old' })).toBe('turbo_rails_key');
    expect(source({ railsSecretKeyBase: 'skb', turboRailsKey: 'old', turboStreamsSecret: 'turbo' })).toBe('turbo_streams_secret');
  });

  it('derives Turbo and CableReady keys from secret_key_base like Rails (fixtures, both digests)', () => {
    for (const digest of ['sha1', 'sha256'] as const) {
      const s = streamsFor({ turboStreams: true, cableReady: true, railsSecretKeyBase: vectors.secret_key_base, railsKeyDigest: digest });
      const turbo = fixtureCase(`turbo-derived-${digest}`);
      const cr = fixtureCase(`cable-ready-derived-${digest}`);
      expect(s.verify('turbo', turbo.signed)).toEqual({ kind: 'verified', stream: 'gid://app/Room/42' });
      expect(s.verify('cableReady', cr.signed)).toEqual({ kind: 'verified', stream: 'gid://app/User/7:notifications' });
      // the other channel's key does not verify it
      expect(s.verify('cableReady', turbo.signed).kind).toBe('invalid');
    }
    const key = deriveRailsKey('skb', RAILS_KEY_SALTS.turbo, 'sha1');
    expect(streamsFor({ turboStreams: true, railsSecretKeyBase: 'skb', railsKeyDigest: 'sha256' }).verify('turbo', sign(key, 'a')).kind).toBe('invalid');
  });

  it('lets the deprecated keys set the key and enable the channel, with a warning', () => {
    const s = resolve({ turboRailsKey: 'tk', cableReadyKey: 'ck' });
    expect(s.settings.turbo.kind).toBe('enabled');
    expect(s.settings.cableReady.kind).toBe('enabled');
    expect(s.problems).toEqual([]);
    expect(s.warnings).toEqual([
      'turbo_rails_key is deprecated: use turbo_streams_secret and turbo_streams',
      'cable_ready_key is deprecated: use cable_ready_secret and cable_ready',
    ]);
    expect(new SignedStreams(s.settings).verify('turbo', sign('tk', 'x')).kind).toBe('verified');
    expect(new SignedStreams(s.settings).verify('cableReady', sign('ck', 'x')).kind).toBe('verified');
  });

  it('falls back to the streams secret and its previous keys for Turbo and CableReady', () => {
    const s = streamsFor({ turboStreams: true, cableReady: true, streamsSecret: 's', streamsSecretPrevious: ['old'] });
    expect(s.verify('turbo', sign('old', 'x')).kind).toBe('verified');
    const t = streamsFor({ turboStreams: true, streamsSecret: 's', turboStreamsSecretPrevious: ['told'] });
    expect(t.verify('turbo', sign('told', 'x')).kind).toBe('verified');
    expect(t.verify('turbo', sign('s', 'x')).kind).toBe('verified');
  });

  it('rotates Turbo and CableReady keys with their own previous lists', () => {
    const s = streamsFor({ turboStreams: true, turboStreamsSecret: 't2', turboStreamsSecretPrevious: ['t1'], cableReady: true, cableReadySecret: 'c2', cableReadySecretPrevious: ['c1'] });
    expect(s.verify('turbo', sign('t1', 'x')).kind).toBe('verified');
    expect(s.verify('cableReady', sign('c1', 'x')).kind).toBe('verified');
    expect(s.verify('turbo', sign('c1', 'x')).kind).toBe('invalid');
  });

  it('applies streams_digest and streams_purpose', () => {
    const sha512 = fixtureCase('digest-sha512');
    expect(streamsFor({ streamsSecret: vectors.keys.streams, streamsDigest: 'sha512' }).verify('pubsub', sha512.signed).kind).toBe('verified');
    const purposed = fixtureCase('rails71-purpose-match');
    expect(streamsFor({ streamsSecret: vectors.keys.streams }).verify('pubsub', purposed.signed).kind).toBe('invalid');
    expect(streamsFor({ streamsSecret: vectors.keys.streams, streamsPurpose: 'pubsub' }).verify('pubsub', purposed.signed).kind).toBe('verified');
  });
});
