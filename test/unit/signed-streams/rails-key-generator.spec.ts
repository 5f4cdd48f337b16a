import { deriveRailsKey, RAILS_KEY_SALTS } from '../../../src/signed-streams/rails-key-generator.js';
import { vectors } from './fixtures.js';

describe('deriveRailsKey', () => {
  it.each(vectors.key_derivation.map((k) => [`${k.salt} (${k.digest})`, k] as const))('matches Rails key_generator for %s', (_label, k) => {
    expect(deriveRailsKey(vectors.secret_key_base, k.salt, k.digest).toString('hex')).toBe(k.key_hex);
  });

  it('uses the salts turbo-rails and cable_ready use', () => {
    expect(RAILS_KEY_SALTS).toEqual({ turbo: 'turbo/signed_stream_verifier_key', cableReady: 'cable_ready/verifier_key' });
    expect(vectors.key_derivation.map((k) => k.salt).sort()).toEqual(
      [RAILS_KEY_SALTS.cableReady, RAILS_KEY_SALTS.cableReady, RAILS_KEY_SALTS.turbo, RAILS_KEY_SALTS.turbo].sort(),
    );
  });

  it('produces 64-byte keys, different per digest', () => {
    const sha1 = deriveRailsKey('skb', RAILS_KEY_SALTS.turbo, 'sha1');
    const sha256 = deriveRailsKey('skb', RAILS_KEY_SALTS.turbo, 'sha256');
    expect(sha1).toHaveLength(64);
    expect(sha1.equals(sha256)).toBe(false);
  });
});
