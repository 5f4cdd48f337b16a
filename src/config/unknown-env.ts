/**
 * Warnings for `ANYCABLE_*` variables cablecar does not read. Not refusals: the
 * same env file usually configures the Rails side too. Each warning says why the
 * variable is ignored: an anycable-go option not implemented yet, a Rails-side
 * option, or (with a suggestion for near misses) a name nobody reads.
 */
import { ANYCABLE_GO_ONLY_OPTIONS, RAILS_ONLY_OPTIONS, SHARED_WITH_RAILS_OPTIONS } from './anycable-names.js';
import { envNameFor } from './option.decorator.js';

const PREFIX = 'ANYCABLE_';

/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The closest known name within two edits (and less than half its length), if any. */
function nearestName(name: string, known: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  const suffix = name.slice(PREFIX.length);
  for (const candidate of known) {
    const distance = editDistance(suffix, candidate.slice(PREFIX.length));
    if (distance <= 2 && distance * 2 < candidate.length - PREFIX.length && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

const envSet = (names: readonly string[]) => new Set(names.map(envNameFor));
const GO_ONLY = envSet(ANYCABLE_GO_ONLY_OPTIONS);
const SHARED_WITH_RAILS = envSet(SHARED_WITH_RAILS_OPTIONS);
const RAILS_ONLY = envSet(RAILS_ONLY_OPTIONS);

/** Why one unread `ANYCABLE_*` variable is ignored. */
function explain(name: string, readable: readonly string[]): string {
  if (SHARED_WITH_RAILS.has(name)) return `${name} is an anycable-go option cablecar does not support yet (the Rails side, anycable-rails, reads it too); ignored here`;
  if (GO_ONLY.has(name)) return `${name} is an anycable-go option cablecar does not support yet; ignored`;
  if (RAILS_ONLY.has(name)) return `${name} is read by the Rails side (anycable-rails), ignored here`;
  const suggestion = nearestName(name, readable);
  return suggestion ? `${name} is not a cablecar option; did you mean ${suggestion}?` : `${name} is not a cablecar option; ignored`;
}

/**
 * One warning per `ANYCABLE_*` variable in `env` that is not in `readable`
 * (every env name the schema and the loader read), sorted by name.
 */
export function unknownEnvWarnings(env: Readonly<Record<string, string | undefined>>, readable: readonly string[]): string[] {
  const known = new Set(readable);
  return Object.keys(env)
    .filter((name) => name.startsWith(PREFIX) && !known.has(name) && env[name] !== undefined)
    .sort()
    .map((name) => explain(name, readable.filter((r) => r.startsWith(PREFIX))));
}
