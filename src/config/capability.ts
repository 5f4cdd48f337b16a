/**
 * The seam between the config loader and what it configures. Each capability
 * (server, ws, jwt, streams, ...) declares one options class and a pure
 * `resolve`; the loader parses every options class from the same inputs, hands
 * the shared slices' settings to every other `resolve`, and provides each
 * result, deep-frozen, under the capability's own DI token. `config/` knows
 * capabilities only through this interface, so it imports no feature folder.
 */
import type { AppSettings } from './app.options.js';
import type { RedisSettings } from './redis.options.js';

/**
 * Settings of the shared slices (`app`: secret, noauth, public and what derives
 * from them; `redis`: the Redis URL), resolved first and handed to every other
 * capability's `resolve`, so each shared input and derivation has one owner.
 */
export interface SharedSettings {
  readonly app: AppSettings;
  readonly redis: RedisSettings;
}

/** What `resolve` returns: the settings, what stops start-up (`problems`) and what is only worth a warning. */
export interface Resolved<Settings, Options extends object = object> {
  settings: Settings;
  /** Misconfigurations, each naming its option; any problem stops start-up (exit 2). */
  problems: string[];
  /** Deprecations and other notices, printed at start. */
  warnings: string[];
  /**
   * Option values implied by other options (`public` => `noauth`), shown by
   * `--print-config` and `ConfigService` as anycable-go shows them.
   */
  implied?: Partial<Options>;
}

/** One capability's part of the schema: its options class, its DI token and its `resolve`. */
export interface Capability<Name extends string = string, Options extends object = object, Settings = unknown> {
  /** Slice name, e.g. `jwt`: the key of its options and settings in `LoadedConfig`. */
  readonly name: Name;
  /** Options class: `@Option` plus class-validator rules on every property; defaults are the initialisers. */
  readonly options: new () => Options;
  /** DI token under which the frozen settings are provided (`JWT_SETTINGS`, ...). */
  readonly token: symbol;
  /** Pure: validated options plus the shared settings in, settings and problems out. Never throws for user input. */
  resolve(options: Readonly<Options>, shared: SharedSettings): Resolved<Settings, Options>;
}

/** A shared slice's capability (`app`, `redis`): resolved first, so its `resolve` takes no shared input. */
export interface SharedCapability<Name extends string = string, Options extends object = object, Settings = unknown>
  extends Omit<Capability<Name, Options, Settings>, 'resolve'> {
  /** Pure: validated options in, settings and problems out. */
  resolve(options: Readonly<Options>): Resolved<Settings, Options>;
}

/** Any capability, whatever its options and settings. */
export type AnyCapability = Capability<string, any, any>;

/** Declare a capability, keeping its literal name so `SettingsOf` can key by it. */
export function defineCapability<const Name extends string, Options extends object, Settings>(
  capability: Capability<Name, Options, Settings>,
): Capability<Name, Options, Settings> {
  return Object.freeze(capability);
}

/** Declare a shared slice's capability (only `config/` has these). */
export function defineSharedCapability<const Name extends string, Options extends object, Settings>(
  capability: SharedCapability<Name, Options, Settings>,
): SharedCapability<Name, Options, Settings> {
  return Object.freeze(capability);
}

/** Resolved settings of a list of capabilities, keyed by capability name. */
export type SettingsOf<C extends readonly AnyCapability[]> = {
  readonly [K in C[number] as K['name']]: K extends Capability<string, object, infer S> ? S : never;
};

/** Effective option values of a list of capabilities, keyed by capability name. */
export type OptionsOf<C extends readonly AnyCapability[]> = {
  readonly [K in C[number] as K['name']]: Readonly<InstanceType<K['options']>>;
};

/** A `Resolved` with no problems or warnings. */
export function resolvedOk<Settings, Options extends object = object>(settings: Settings, implied?: Partial<Options>): Resolved<Settings, Options> {
  return { settings, problems: [], warnings: [], ...(implied ? { implied } : {}) };
}
