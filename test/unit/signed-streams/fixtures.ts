/** Loads test/fixtures/signed-streams/vectors.json (made by generate.rb with ActiveSupport). */
import { readFileSync } from 'node:fs';
import type { VerifierDigest, VerifierKey } from '../../../src/signed-streams/message-verifier.js';

/** One generated case. */
export interface VectorCase {
  id: string;
  producer: string;
  signed: string;
  verifier: { keys: string[]; digest?: VerifierDigest; purpose?: string };
  now?: string;
  expect: { kind: 'verified'; stream: string } | { kind: 'invalid'; why: string };
  hand_built?: boolean;
}

/** The whole fixture file. */
export interface Vectors {
  activesupport: string;
  keys: Record<string, string>;
  derived_keys_hex: Record<string, string>;
  secret_key_base: string;
  key_derivation: Array<{ salt: string; digest: 'sha1' | 'sha256'; key_hex: string; hand_built: boolean }>;
  cases: VectorCase[];
}

/** Parsed vectors. */
export const vectors: Vectors = JSON.parse(readFileSync(new URL('../../fixtures/signed-streams/vectors.json', import.meta.url), 'utf8')) as Vectors;

/** A key by its fixture name: plain keys as text, derived keys as raw bytes. */
export function fixtureKey(name: string): VerifierKey {
  if (name in vectors.keys) return vectors.keys[name];
  if (name in vectors.derived_keys_hex) return Buffer.from(vectors.derived_keys_hex[name], 'hex');
  throw new Error(`unknown fixture key ${name}`);
}

/** The case with this id. */
export function fixtureCase(id: string): VectorCase {
  const found = vectors.cases.find((c) => c.id === id);
  if (!found) throw new Error(`no fixture case ${id}`);
  return found;
}
