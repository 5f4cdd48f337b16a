/**
 * Reads options from `anycable.toml` < env < CLI flags (anycable's precedence),
 * coerces and validates them against the `CableConfig` schema, reports every
 * problem at once, derives dependent values and freezes the result.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { validateSync } from 'class-validator';
import { CableConfig } from './cable-config.js';
import { optionsOf, type OptionDefinition } from './option.decorator.js';
import { jwtConfigProblems } from '../auth/jwt/jwt-settings.js';

/** Where the raw inputs come from; injectable so tests need no real process state. */
export interface ConfigSources {
  argv: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** Result of loading: a frozen config, or every problem found. */
export type ConfigOutcome =
  | { kind: 'ok'; config: Readonly<CableConfig>; warnings: string[]; printConfig: boolean; configFile?: string }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'help'; text: string };

/** Flags handled by the loader itself rather than the schema. */
const META_FLAGS = ['config_path', 'ignore_config_path', 'print_config', 'help'] as const;

/** AnyCable flags that have had no effect since 1.5.0; accepted with a warning so old deploy scripts keep working. */
const NO_OP_FLAGS: Readonly<Record<string, string>> = {
  turbo_rails_cleartext: 'use $pubsub with public_streams instead',
  cable_ready_cleartext: 'use $pubsub with public_streams instead',
};

/** All schema options. */
export const CONFIG_OPTIONS: readonly OptionDefinition[] = optionsOf(CableConfig);

const normalizeFlag = (flag: string): string => flag.replace(/-/g, '_').toLowerCase();

/** Parse `--name=value`, `--name value` and bare boolean `--name` flags. */
function parseArgv(argv: readonly string[], problems: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  const byName = new Map<string, OptionDefinition>();
  for (const def of CONFIG_OPTIONS) {
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
function coerce(def: OptionDefinition, raw: unknown, source: string, problems: string[]): unknown {
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

/** Hex HMAC-SHA256 of `label` keyed by the application secret (anycable's derived secrets). */
export function deriveSecret(secret: string, label: string): string {
  return createHmac('sha256', secret).update(label).digest('hex');
}

/** Load, validate and freeze the configuration. Never throws for user input. */
export function loadConfig(sources: ConfigSources): ConfigOutcome {
  const problems: string[] = [];
  const warnings: string[] = [];
  const flags = parseArgv(sources.argv, problems);
  if (flags.get('help') === 'true') return { kind: 'help', text: helpText() };
  for (const [flag, advice] of Object.entries(NO_OP_FLAGS)) {
    if (flags.has(flag)) warnings.push(`--${flag} has no effect (as in AnyCable since 1.5.0): ${advice}`);
  }

  const values = new Map<OptionDefinition, unknown>();

  // 1. anycable.toml
  const explicitPath = flags.get('config_path') ?? sources.env.ANYCABLE_CONFIG_PATH;
  const ignoreFile = flags.get('ignore_config_path') === 'true';
  let configFile: string | undefined;
  if (!ignoreFile) {
    if (explicitPath) {
      configFile = resolve(sources.cwd, explicitPath);
      if (!existsSync(configFile)) problems.push(`config file ${configFile} does not exist`);
    } else {
      const candidate = [resolve(sources.cwd, 'anycable.toml'), '/etc/anycable/anycable.toml'].find((f) => existsSync(f));
      configFile = candidate;
    }
  }
  if (configFile && existsSync(configFile)) {
    const entries = readTomlFile(configFile, problems);
    const byToml = new Map(CONFIG_OPTIONS.map((d) => [d.toml, d]));
    for (const [key, raw] of entries ?? []) {
      const def = byToml.get(key);
      if (!def) problems.push(`config file ${configFile}: unknown key "${key}"`);
      else values.set(def, coerce(def, raw, `${configFile} ${key}`, problems));
    }
  }

  // 2. env (aliases first, then ANYCABLE_*, deprecated names lose to current ones)
  for (const def of CONFIG_OPTIONS) {
    const names = [...(def.envAliases ?? []), ...(def.deprecatedNames ?? []).map((n) => `ANYCABLE_${n.toUpperCase()}`), def.env];
    for (const envName of names) {
      const raw = sources.env[envName];
      if (raw === undefined || raw === '') continue;
      if (def.deprecatedNames?.some((n) => envName === `ANYCABLE_${n.toUpperCase()}`)) {
        warnings.push(`${envName} is deprecated, use ${def.env}`);
      }
      values.set(def, coerce(def, raw, `env ${envName}`, problems));
    }
  }

  // 3. CLI flags
  for (const def of CONFIG_OPTIONS) {
    for (const name of [...(def.deprecatedNames ?? []), def.name]) {
      const raw = flags.get(normalizeFlag(name));
      if (raw === undefined) continue;
      if (name !== def.name) warnings.push(`--${name} is deprecated, use --${def.name}`);
      values.set(def, coerce(def, raw, `--${name}`, problems));
    }
  }

  const config = new CableConfig();
  for (const [def, value] of values) if (value !== undefined) (config as unknown as Record<string, unknown>)[def.property] = value;

  for (const error of validateSync(config, { forbidUnknownValues: false })) {
    const def = CONFIG_OPTIONS.find((d) => d.property === error.property);
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push(`${def?.name ?? error.property}: ${message.replace(error.property, def?.name ?? error.property)} (got ${JSON.stringify(error.value)})`);
    }
  }
  problems.push(...crossFieldProblems(config));
  if (problems.length > 0) return { kind: 'invalid', problems };

  applyDerivedValues(config);
  return { kind: 'ok', config: Object.freeze(config), warnings, printConfig: flags.get('print_config') === 'true', configFile };
}

/** Rules that involve more than one option. */
function crossFieldProblems(config: CableConfig): string[] {
  const problems: string[] = [];
  if (new Set(config.path).size !== config.path.length) problems.push('path: duplicate entries');
  if (config.path.includes(config.healthPath)) problems.push('health-path: must differ from the WebSocket path');
  if (config.path.includes(config.httpBroadcastPath)) problems.push('http_broadcast_path: must differ from the WebSocket path');
  problems.push(...jwtConfigProblems(config));
  return problems;
}

/** Fill values that follow from others (anycable cli/options.go): `public`, `debug`, derived keys. */
function applyDerivedValues(config: CableConfig): void {
  if (config.public) {
    config.noauth = true;
    config.publicStreams = true;
  }
  if (config.debug) config.logLevel = 'debug';
  if (!config.broadcastKey && config.secret) config.broadcastKey = deriveSecret(config.secret, 'broadcast-cable');
}

/** `--help` text generated from the schema. */
export function helpText(): string {
  const lines = ['Usage: cablecar [--option value ...]', '       cablecar token --identifiers JSON [--ttl SECONDS]', '', 'Options (env ANYCABLE_<NAME>, anycable.toml key in brackets):'];
  for (const def of CONFIG_OPTIONS) lines.push(`  --${def.name.padEnd(30)} ${def.description} [${def.toml}]`);
  lines.push('  --config-path PATH               Read this TOML file instead of ./anycable.toml');
  lines.push('  --ignore-config-path             Do not read any TOML file');
  lines.push('  --print-config                   Print the effective config (secrets redacted) and exit');
  return lines.join('\n');
}

/** The effective config as TOML-ish text, secrets redacted. */
export function describeConfig(config: Readonly<CableConfig>): string {
  const lines: string[] = [];
  for (const def of CONFIG_OPTIONS) {
    const value = (config as unknown as Record<string, unknown>)[def.property];
    const isSet = Array.isArray(value) ? value.length > 0 : Boolean(value);
    const shown = def.secret ? (isSet ? '"[REDACTED]"' : Array.isArray(value) ? '[]' : '""') : JSON.stringify(value);
    lines.push(`${def.toml} = ${shown}`);
  }
  return lines.join('\n');
}
