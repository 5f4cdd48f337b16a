/**
 * The one schema: the capabilities handed to the loader (assembled outside
 * `config/`, in `src/capabilities.ts`), their options flattened into one list,
 * and the rules that span slices. `--help`, `--print-config`, the docs table and
 * `ConfigService` are all generated from it.
 */
import type { AnyCapability, SettingsOf } from './capability.js';
import { appCapability } from './app.options.js';
import { optionsOf, type OptionDefinition } from './option.decorator.js';
import { redisCapability } from './redis.options.js';

/** A rule across slices (say, two endpoints on one path), run on the resolved settings; returns problems. */
export type CrossSliceRule<C extends readonly AnyCapability[]> = (settings: SettingsOf<C>) => string[];

/** Every capability, in the order of the docs table, plus the rules that span them. */
export interface ConfigSchema<C extends readonly AnyCapability[] = readonly AnyCapability[]> {
  readonly capabilities: C;
  readonly crossSliceRules?: readonly CrossSliceRule<C>[];
}

/** An option of the schema, with the slice that declares it. */
export interface SchemaOption extends OptionDefinition {
  /** Name of the capability whose options class declares it. */
  readonly slice: string;
}

/** The shared slices: resolved before every other, their settings handed to each `resolve` as `shared`. */
export const SHARED_CAPABILITIES = [appCapability, redisCapability] as const;

/** Every option of the schema, slice by slice, in declaration order. */
export function schemaOptions(capabilities: readonly AnyCapability[]): SchemaOption[] {
  return capabilities.flatMap((capability) => optionsOf(capability.options).map((def) => ({ ...def, slice: capability.name })));
}

/** Every env variable name an option reads (primary, aliases such as `PORT`, deprecated names). */
export function envNamesOf(def: OptionDefinition): string[] {
  return [...(def.envAliases ?? []), ...deprecatedEnvNamesOf(def), def.env];
}

/** The env names of an option's deprecated names (`ANYCABLE_JWT_ID_KEY`). */
export function deprecatedEnvNamesOf(def: OptionDefinition): string[] {
  return (def.deprecatedNames ?? []).map((name) => `ANYCABLE_${name.replace(/-/g, '_').toUpperCase()}`);
}

/**
 * Mistakes in the schema itself (a bug, not user input): a missing shared
 * slice, a name, env variable or TOML key declared twice.
 */
export function schemaMistakes(capabilities: readonly AnyCapability[]): string[] {
  const mistakes: string[] = [];
  for (const shared of SHARED_CAPABILITIES) if (!capabilities.includes(shared)) mistakes.push(`shared slice "${shared.name}" is missing`);
  const seen = new Map<string, string>();
  const claim = (kind: string, key: string, owner: string) => {
    const previous = seen.get(`${kind}:${key}`);
    if (previous) mistakes.push(`${kind} ${key} is declared by ${previous} and ${owner}`);
    else seen.set(`${kind}:${key}`, owner);
  };
  for (const capability of capabilities) claim('slice', capability.name, capability.name);
  for (const def of schemaOptions(capabilities)) {
    const owner = `${def.slice}.${def.property}`;
    claim('property', def.property, owner);
    claim('toml key', def.toml, owner);
    for (const name of [def.name, ...(def.deprecatedNames ?? [])]) claim('flag', name.replace(/-/g, '_'), owner);
    for (const env of envNamesOf(def)) claim('env', env, owner);
  }
  return mistakes;
}
