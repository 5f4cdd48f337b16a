/**
 * Reads raw option values from `anycable.toml` < env < CLI flags (anycable's
 * precedence, cli/options.go) and coerces each into its option's kind. Knows
 * nothing of slices or settings: it fills a map from schema option to value.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { deprecatedEnvNamesOf, envNamesOf, type SchemaOption } from './config-schema.js';

/** Where the raw inputs come from; injectable so tests need no real process state. */
export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Flags handled by the loader itself rather than the schema. */
export const META_FLAGS = ['config_path', 'ignore_config_path', 'print_config', 'help'] as const;

/** AnyCable flags that have had no effect since 1.5.0; accepted with a warning so old deploy scripts keep working. */
export const NO_OP_FLAGS: Readonly<Record<string, string>> = {
  turbo_rails_cleartext: 'use $pubsub with public_streams instead',
  cable_ready_cleartext: 'use $pubsub with public_streams instead',
};

/** `max-conn` and `max_conn` are the same flag. */
export const normalizeFlag = (flag: string): string => flag.replace(/-/g, '_').toLowerCase();

/** Parse `--name=value`, `--name value` and bare boolean `--name` flags. */
export function parseArgv(argv: readonly string[], options: readonly SchemaOption[], problems: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  const byName = new Map<string, SchemaOption>();
  for (const def of options) {
    byName.set(normalizeFlag(def.name), def);
    for (const old of def.deprecatedNames ?? []) byName.set(normalizeFlag(old), def);
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument "${arg}"`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = normalizeFlag(eq === -1 ? arg.slice(2) : arg.slice(2, eq));
    const def = byName.get(name);
    const isMeta = (META_FLAGS as readonly string[]).includes(name) || name in NO_OP_FLAGS;
    if (!def && !isMeta) {
      problems.push(`unknown flag --${name}`);
      continue;
    }
    const isBool = isMeta ? name !== 'config_path' : def!.kind === 'bool';
    let value: string;
    if (eq !== -1) value = arg.slice(eq + 1);
    else if (isBool) value = argv[i + 1] === 'true' || argv[i + 1] === 'false' ? argv[++i] : 'true';
    else if (i + 1 < argv.length) value = argv[++i];
    else {
      problems.push(`--${name}: missing value`);
      continue;
    }
    flags.set(name, value);
  }
  return flags;
}

/** Coerce a raw string (env/CLI) or TOML value into the option's kind. */
function coerce(def: SchemaOption, raw: unknown, source: string, problems: string[]): unknown {
  const fail = (expected: string) => {
    problems.push(`${def.name} (${source}): expected ${expected}, got ${JSON.stringify(raw)}`);
    return undefined;
  };
  switch (def.kind) {
    case 'string':
      if (typeof raw === 'string') return def.secret && raw === 'none' ? '' : raw;
      if (typeof raw === 'number') return String(raw);
      return fail('a string');
    case 'int':
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) return fail(def.kind === 'int' ? 'an integer' : 'a number');
      if (def.kind === 'int' && !Number.isInteger(n)) return fail('an integer');
      return n;
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|1|yes|on)$/i.test(raw)) return true;
      if (typeof raw === 'string' && /^(false|0|no|off)$/i.test(raw)) return false;
      return fail('a boolean');
    case 'list':
      if (Array.isArray(raw) && raw.every((v) => typeof v === 'string')) return raw.map((v: string) => v.trim()).filter(Boolean);
      if (typeof raw === 'string') return raw.split(',').map((v) => v.trim()).filter(Boolean);
      return fail('a list of strings');
  }
}

/** Flatten a parsed TOML document into dotted keys. */
function flattenToml(doc: Record<string, unknown>, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [key, value] of Object.entries(doc)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date)) {
      for (const [k, v] of flattenToml(value as Record<string, unknown>, path)) out.set(k, v);
    } else out.set(path, value);
  }
  return out;
}

function readTomlFile(file: string, problems: string[]): Map<string, unknown> | undefined {
  try {
    return flattenToml(parseToml(readFileSync(file, 'utf8')) as Record<string, unknown>);
  } catch (error) {
    problems.push(`config file ${file}: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** Which TOML file to read: `--config-path` / `ANYCABLE_CONFIG_PATH`, else `./anycable.toml`, else `/etc/anycable/anycable.toml`. */
function configFileFor(sources: ConfigSources, flags: ReadonlyMap<string, string>, problems: string[]): string | undefined {
  if (flags.get('ignore_config_path') === 'true') return undefined;
  const explicitPath = flags.get('config_path') ?? sources.env.ANYCABLE_CONFIG_PATH;
  if (explicitPath) {
    const file = resolve(sources.cwd, explicitPath);
    if (!existsSync(file)) problems.push(`config file ${file} does not exist`);
    return file;
  }
  return [resolve(sources.cwd, 'anycable.toml'), '/etc/anycable/anycable.toml'].find((f) => existsSync(f));
}

/** What `readOptionValues` found: a value per option that was set somewhere, and the file read. */
export interface RawValues {
  values: Map<SchemaOption, unknown>;
  configFile?: string;
}

/** Read every option from the file, env and flags (later sources win); coercion failures become problems. */
export function readOptionValues(
  sources: ConfigSources,
  flags: ReadonlyMap<string, string>,
  options: readonly SchemaOption[],
  problems: string[],
  warnings: string[],
): RawValues {
  const values = new Map<SchemaOption, unknown>();
  const configFile = configFileFor(sources, flags, problems);
  if (configFile && existsSync(configFile)) {
    const byToml = new Map(options.map((d) => [d.toml, d]));
    for (const [key, raw] of readTomlFile(configFile, problems) ?? []) {
      const def = byToml.get(key);
      const table = def ? undefined : byToml.get(key.slice(0, key.lastIndexOf('.')));
      // why: a list option may be written as a TOML table (`[metrics] tags.env = "prod"`, anycable's map form), read as `env:prod`.
      if (table?.kind === 'list' && (typeof raw === 'string' || typeof raw === 'number')) {
        const previous = values.get(table);
        values.set(table, [...(Array.isArray(previous) ? previous : []), `${key.slice(key.lastIndexOf('.') + 1)}:${raw}`]);
      } else if (!def) problems.push(`config file ${configFile}: unknown key "${key}"`);
      else values.set(def, coerce(def, raw, `${configFile} ${key}`, problems));
    }
  }
  // env: aliases first, then ANYCABLE_*; deprecated names lose to current ones
  for (const def of options) {
    const deprecated = deprecatedEnvNamesOf(def);
    for (const envName of envNamesOf(def)) {
      const raw = sources.env[envName];
      if (raw === undefined || raw === '') continue;
      if (deprecated.includes(envName)) warnings.push(`${envName} is deprecated, use ${def.env}`);
      values.set(def, coerce(def, raw, `env ${envName}`, problems));
    }
  }
  for (const def of options) {
    for (const name of [...(def.deprecatedNames ?? []), def.name]) {
      const raw = flags.get(normalizeFlag(name));
      if (raw === undefined) continue;
      if (name !== def.name) warnings.push(`--${name} is deprecated, use --${def.name}`);
      values.set(def, coerce(def, raw, `--${name}`, problems));
    }
  }
  return { values, configFile };
}

/**
 * One option's value from the file, env and flags, everything else ignored; undefined when
 * unset or unreadable. For an option that must be known before the schema is complete
 * (`--extensions`); the full load that follows reports every problem.
 */
export function peekOption(sources: ConfigSources, def: SchemaOption): unknown {
  const ignored: string[] = [];
  const flags = parseArgv(sources.argv, [def], ignored);
  return readOptionValues(sources, flags, [def], ignored, []).values.get(def);
}
