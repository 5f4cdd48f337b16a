/** Loads the Ruby-generated JWT vectors (test/fixtures/jwt/generate.rb). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Directory of the JWT fixtures. */
export const JWT_FIXTURES = join(process.cwd(), 'test/fixtures/jwt');

/** One vector. */
export interface JwtCase {
  name: string;
  token: string;
  expect: 'valid' | 'expired' | 'unauthorized' | 'previous_secret' | 'no_exp' | 'rotated' | 'confusion';
  identifiers?: string;
  jti?: string;
  exp?: number;
  nbf?: number;
}

/** The whole fixture file. */
export interface JwtFixtures {
  secret: string;
  previous_secret: string;
  far_future: number;
  past: number;
  cases: JwtCase[];
}

/** Parsed tokens.json. */
export const fixtures: JwtFixtures = JSON.parse(readFileSync(join(JWT_FIXTURES, 'tokens.json'), 'utf8'));

/** The case named `name` (throws if missing, so a renamed vector fails loudly). */
export function vector(name: string): JwtCase {
  const found = fixtures.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no JWT fixture named ${name}`);
  return found;
}

/** Read a key file from fixtures/jwt/keys. */
export const keyFile = (name: string): string => readFileSync(join(JWT_FIXTURES, 'keys', name), 'utf8');
