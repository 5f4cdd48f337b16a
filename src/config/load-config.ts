/**
 * Loads the configuration once at boot: reads every option of the schema from
 * `anycable.toml` < env < CLI flags, validates each slice's options class,
 * resolves the shared slices (`app`, `redis`) and then every other capability
 * with them, runs the cross-slice rules, and reports every problem at once,
 * named by option. On success each slice's settings are deep-frozen.
 */
import { validateSync } from 'class-validator';
import type { AnyCapability, Capability, OptionsOf, SettingsOf, SharedCapability, SharedSettings } from './capability.js';
import { envNamesOf, schemaMistakes, schemaOptions, SHARED_CAPABILITIES, type ConfigSchema, type SchemaOption } from './config-schema.js';
import { deepFreeze } from './deep-freeze.js';
import { helpText } from './describe-config.js';
import { envNameFor } from './option.decorator.js';
import { NO_OP_FLAGS, parseArgv, readOptionValues, type ConfigSources } from './option-sources.js';
import { unknownEnvWarnings } from './unknown-env.js';

export type { ConfigSources } from './option-sources.js';

/** The loaded configuration: per slice, the effective option values and the resolved settings, all frozen. */
export interface LoadedConfig<C extends readonly AnyCapability[] = readonly AnyCapability[]> {
  /** The capabilities it was loaded with, in schema order (used to provide each slice under its token). */
  readonly capabilities: C;
  /** Option values as given, plus those implied by others (`public` => `noauth`); for `--print-config` and `ConfigService`. */
  readonly options: OptionsOf<C>;
  /** Each capability's resolved settings, deep-frozen. */
  readonly settings: SettingsOf<C>;
}

/** Result of loading: the loaded config, or every problem found, or the `--help` text. */
export type ConfigOutcome<C extends readonly AnyCapability[] = readonly AnyCapability[]> =
  | { kind: 'ok'; config: LoadedConfig<C>; warnings: string[]; printConfig: boolean; configFile?: string }
  | { kind: 'invalid'; problems: string[] }
  | { kind: 'help'; text: string };

/** One capability's settings from a loaded config, typed by the capability; throws (a bug) if it was not loaded. */
export function settingsFor<Settings>(config: LoadedConfig, capability: Pick<Capability<string, object, Settings>, 'name' | 'resolve'>): Settings {
  const settings = (config.settings as Readonly<Record<string, unknown>>)[capability.name];
  if (settings === undefined) throw new Error(`capability "${capability.name}" is not part of this config`);
  return settings as Settings;
}

/** Env variables the loader reads itself, beside the schema's. */
const LOADER_ENV = ['ANYCABLE_CONFIG_PATH'];

/** Every env variable name cablecar reads (or knowingly accepts as a no-op). */
export function readableEnvNames(options: readonly SchemaOption[]): string[] {
  return [...options.flatMap(envNamesOf), ...LOADER_ENV, ...Object.keys(NO_OP_FLAGS).map(envNameFor)];
}

/** Load, validate, resolve and freeze the configuration. Never throws for user input. */
export function loadConfig<const C extends readonly AnyCapability[]>(sources: ConfigSources, schema: ConfigSchema<C>): ConfigOutcome<C> {
  const mistakes = schemaMistakes(schema.capabilities);
  if (mistakes.length > 0) throw new Error(`config schema: ${mistakes.join('; ')}`);
  const options = schemaOptions(schema.capabilities);
  const problems: string[] = [];
  const warnings: string[] = [];
  const flags = parseArgv(sources.argv, options, problems);
  if (flags.get('help') === 'true') return { kind: 'help', text: helpText(schema.capabilities) };
  for (const [flag, advice] of Object.entries(NO_OP_FLAGS)) {
    const set = flags.has(flag) ? `--${flag}` : sources.env[envNameFor(flag)] ? envNameFor(flag) : undefined;
    if (set) warnings.push(`${set} has no effect (as in AnyCable since 1.5.0): ${advice}`);
  }
  const { values, configFile } = readOptionValues(sources, flags, options, problems, warnings);
  warnings.push(...unknownEnvWarnings(sources.env, readableEnvNames(options)));

  const { instances, invalidSlices } = buildSliceOptions(schema.capabilities, options, values, problems);
  const resolved = resolveAll(schema.capabilities, instances, invalidSlices);
  problems.push(...resolved.problems);
  warnings.push(...resolved.warnings);
  if (resolved.complete) {
    for (const rule of schema.crossSliceRules ?? []) problems.push(...rule(resolved.settings as SettingsOf<C>));
  }
  if (problems.length > 0) return { kind: 'invalid', problems };

  const effective: Record<string, object> = {};
  for (const [name, instance] of instances) effective[name] = { ...instance, ...resolved.implied[name] };
  const config: LoadedConfig<C> = deepFreeze({
    capabilities: schema.capabilities,
    options: effective as OptionsOf<C>,
    settings: resolved.settings as SettingsOf<C>,
  });
  return { kind: 'ok', config, warnings, printConfig: flags.get('print_config') === 'true', configFile };
}

/** Each slice's options object (defaults, then the values read), validated; `invalidSlices` names those with problems. */
function buildSliceOptions(capabilities: readonly AnyCapability[], options: readonly SchemaOption[], values: ReadonlyMap<SchemaOption, unknown>, problems: string[]) {
  const instances = new Map<string, Record<string, unknown>>();
  const invalidSlices = new Set<string>();
  for (const capability of capabilities) {
    const instance = new capability.options() as Record<string, unknown>;
    for (const [def, value] of values) if (def.slice === capability.name && value !== undefined) instance[def.property] = value;
    const found = validationProblems(instance, options.filter((d) => d.slice === capability.name));
    if (found.length > 0) invalidSlices.add(capability.name);
    problems.push(...found);
    instances.set(capability.name, instance);
  }
  return { instances, invalidSlices };
}

/** class-validator problems of one slice's options, named by option. */
function validationProblems(instance: object, sliceOptions: readonly SchemaOption[]): string[] {
  const problems: string[] = [];
  for (const error of validateSync(instance, { forbidUnknownValues: false })) {
    const name = sliceOptions.find((d) => d.property === error.property)?.name ?? error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      problems.push(`${name}: ${message.replace(error.property, name)} (got ${JSON.stringify(error.value)})`);
    }
  }
  return problems;
}

/** What resolving every slice produced; `complete` is false when a slice with invalid options could not be resolved. */
interface ResolvedSlices {
  settings: Record<string, unknown>;
  implied: Record<string, object>;
  problems: string[];
  warnings: string[];
  complete: boolean;
}

/**
 * Resolve the shared slices, then every other with their settings. Slices with
 * invalid options are still resolved, so their cross-field problems are reported
 * too; if such a slice's `resolve` throws on the bad value, its validation problem stands for it.
 */
function resolveAll(capabilities: readonly AnyCapability[], instances: Map<string, object>, invalidSlices: ReadonlySet<string>): ResolvedSlices {
  const out: ResolvedSlices = { settings: {}, implied: {}, problems: [], warnings: [], complete: true };
  const run = (capability: AnyCapability | SharedCapability, resolve: () => ReturnType<AnyCapability['resolve']>) => {
    try {
      const result = resolve();
      out.settings[capability.name] = result.settings;
      out.implied[capability.name] = result.implied ?? {};
      out.problems.push(...result.problems);
      out.warnings.push(...result.warnings);
    } catch (error) {
      if (!invalidSlices.has(capability.name)) throw error;
      out.complete = false;
    }
  };
  const optionsFor = (capability: AnyCapability) => instances.get(capability.name)!;
  for (const shared of SHARED_CAPABILITIES as readonly SharedCapability[]) run(shared, () => shared.resolve(optionsFor(shared)));
  if (!out.complete) return out;
  const shared = { app: out.settings.app, redis: out.settings.redis } as SharedSettings;
  for (const capability of capabilities) {
    if (!(SHARED_CAPABILITIES as readonly AnyCapability[]).includes(capability)) run(capability, () => capability.resolve(optionsFor(capability), shared));
  }
  return out;
}
