/**
 * Rails' key derivation (`Rails.application.key_generator`, i.e.
 * activesupport/lib/active_support/key_generator.rb): PBKDF2-HMAC over
 * `secret_key_base` with 1000 iterations, 64-byte keys. The digest is SHA1 for
 * apps on Rails < 7.0 defaults and SHA256 with `load_defaults 7.0`+
 * (`config.active_support.key_generator_hash_digest_class`).
 */
import { pbkdf2Sync } from 'node:crypto';

/** Salts turbo-rails and cable_ready pass to the key generator when no key is configured. */
export const RAILS_KEY_SALTS = {
  /** turbo-rails lib/turbo/engine.rb: `key_generator.generate_key("turbo/signed_stream_verifier_key")`. */
  turbo: 'turbo/signed_stream_verifier_key',
  /** cable_ready lib/cable_ready/config.rb: `key_generator.generate_key("cable_ready/verifier_key")`. */
  cableReady: 'cable_ready/verifier_key',
} as const;

/** PBKDF2 digests Rails' key generator is used with. */
export type RailsKeyDigest = 'sha1' | 'sha256';

/** Rails' `Rails.application.key_generator` iteration count (railties application.rb). */
export const RAILS_KEY_ITERATIONS = 1000;

/** `KeyGenerator.new(secret_key_base, iterations: 1000).generate_key(salt, 64)`: raw key bytes. */
export function deriveRailsKey(secretKeyBase: string, salt: string, digest: RailsKeyDigest, keySize = 64): Buffer {
  return pbkdf2Sync(secretKeyBase, salt, RAILS_KEY_ITERATIONS, keySize, digest);
}
