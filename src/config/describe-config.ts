/**
 * Views of the schema and of a loaded config for people and user code:
 * `--help`, `--print-config` (secrets redacted) and the values loaded into
 * `@nestjs/config`'s `ConfigService` (secrets left out).
 */
import type { AnyCapability } from './capability.js';
import { schemaOptions } from './config-schema.js';
import type { LoadedConfig } from './load-config.js';

/** `--help` text generated from the schema. */
export function helpText(capabilities: readonly AnyCapability[]): string {
  const lines = ['Usage: cablecar [--option value ...]', '       cablecar token --identifiers JSON [--ttl SECONDS]', '', 'Options (env ANYCABLE_<NAME>, anycable.toml key in brackets):'];
  for (const def of schemaOptions(capabilities)) lines.push(`  --${def.name.padEnd(30)} ${def.description} [${def.toml}]`);
  lines.push('  --config-path PATH               Read this TOML file instead of ./anycable.toml');
  lines.push('  --ignore-config-path             Do not read any TOML file');
  lines.push('  --print-config                   Print the effective config (secrets redacted) and exit');
  return lines.join('\n');
}

/** Whether a value counts as set (non-empty string or list, true, non-zero). */
export function isSet(value: unknown): boolean {
  return Array.isArray(value) ? value.length > 0 : Boolean(value);
}

/** An option's effective value in a loaded config. */
function valueOf(config: LoadedConfig, slice: string, property: string): unknown {
  return (config.options as Readonly<Record<string, Readonly<Record<string, unknown>>>>)[slice][property];
}

/** The effective config as TOML-ish text, one `key = value` line per option, secrets redacted. */
export function describeConfig(config: LoadedConfig): string {
  const lines: string[] = [];
  for (const def of schemaOptions(config.capabilities)) {
    const value = valueOf(config, def.slice, def.property);
    const shown = def.secret ? (isSet(value) ? '"[REDACTED]"' : Array.isArray(value) ? '[]' : '""') : JSON.stringify(value);
    lines.push(`${def.toml} = ${shown}`);
  }
  return lines.join('\n');
}

/**
 * The option values user extensions may read through `ConfigService`
 * (`config.get('port')`): every non-secret option by property name. Secrets
 * (`secret`, `broadcast_key`, `jwt_secret`, `redis_url`, ...) are left out.
 */
export function publicOptionValues(config: LoadedConfig): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const def of schemaOptions(config.capabilities)) if (!def.secret) values[def.property] = valueOf(config, def.slice, def.property);
  return values;
}
