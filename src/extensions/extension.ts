/**
 * What an extension is: a Nest module (its channels, identification steps and
 * services) plus, optionally, option classes that join cablecar's one schema.
 * An extension file for the stock server default-exports `defineExtension(...)`.
 */
import type { DynamicModule, Type } from '@nestjs/common';
import { defineCapability, type Capability, type Resolved } from '../config/capability.js';
import { optionsOf } from '../config/option.decorator.js';

/** Identifies this copy of cablecar; an extension built against another copy cannot share its DI tokens. */
const RUNTIME = Symbol('cablecar runtime');
/** Where this copy lives, for the message when an extension was built against another one. */
const RUNTIME_URL = import.meta.url;
/** Marks `defineExtension` results across copies (a `Symbol.for` key survives two installs). */
const EXTENSION_BRAND = Symbol.for('cablecar.extension');

/** An extension's options: a capability whose `resolve` sees only its own options (no shared secrets). */
export type ExtensionOptions<Name extends string = string, Options extends object = object, Settings = Options> = Capability<Name, Options, Settings>;

/** What an extension's option resolver returns: its settings, and what stops start-up or deserves a warning. */
export interface ExtensionResolved<Settings> {
  settings: Settings;
  problems?: string[];
  warnings?: string[];
}

/**
 * Declare the option class of extension slice `name`. Every option must be
 * named `<name>_...` (flag, env `ANYCABLE_<NAME>_...`) and live under `[<name>]`
 * in TOML, so no extension can take a name anycable or cablecar may use.
 * Without `resolve`, the settings are the validated options themselves. Inject
 * them with `@Inject(options.token)`.
 */
export function defineExtensionOptions<const Name extends string, Options extends object, Settings = Options>(
  name: Name,
  optionsClass: new () => Options,
  resolve?: (options: Readonly<Options>) => ExtensionResolved<Settings>,
): ExtensionOptions<Name, Options, Settings> {
  const run = resolve ?? ((options: Readonly<Options>): ExtensionResolved<Settings> => ({ settings: { ...options } as unknown as Settings }));
  return defineCapability({
    name,
    options: optionsClass,
    token: Symbol(`${name.toUpperCase()}_SETTINGS`),
    resolve: (options): Resolved<Settings, Options> => {
      const result = run(options);
      return { settings: result.settings, problems: result.problems ?? [], warnings: result.warnings ?? [] };
    },
  });
}

/** A loadable extension (see file comment). */
export interface CableExtension {
  /** Short name for logs and error messages. */
  readonly name: string;
  /** The Nest module to import beside cablecar's. */
  readonly module: Type | DynamicModule;
  /** Option slices this extension adds to the schema. */
  readonly options: readonly ExtensionOptions<string, any, any>[];
}

/** An extension as `defineExtension` stamps it: branded, and tied to the copy of cablecar that made it. */
interface StampedExtension extends CableExtension {
  readonly [EXTENSION_BRAND]: { readonly runtime: symbol; readonly url: string };
}

/** Declare an extension; default-export the result from the module `--extensions` names. */
export function defineExtension(extension: { name: string; module: Type | DynamicModule; options?: readonly ExtensionOptions<string, any, any>[] }): CableExtension {
  const stamped: StampedExtension = { name: extension.name, module: extension.module, options: extension.options ?? [], [EXTENSION_BRAND]: { runtime: RUNTIME, url: RUNTIME_URL } };
  return Object.freeze(stamped);
}

/** What a module's default export turned out to be. */
export type ExtensionExport = { kind: 'extension'; extension: CableExtension } | { kind: 'invalid'; reason: string };

/** Read a module's default export: a `defineExtension` result of this copy of cablecar, or a bare Nest module. */
export function extensionFrom(exported: unknown, fallbackName: string): ExtensionExport {
  const stamp = (exported as Partial<StampedExtension> | undefined)?.[EXTENSION_BRAND];
  if (stamp) {
    if (stamp.runtime !== RUNTIME) return { kind: 'invalid', reason: `it was built against another copy of cablecar (${stamp.url}, this server is ${RUNTIME_URL}); "cablecar" must resolve to the server's own package` };
    return { kind: 'extension', extension: exported as CableExtension };
  }
  if (isNestModule(exported)) return { kind: 'extension', extension: { name: fallbackName, module: exported, options: [] } };
  return { kind: 'invalid', reason: 'its default export is neither defineExtension({...}) nor a Nest module with imports, providers or controllers' };
}

function isNestModule(value: unknown): value is Type | DynamicModule {
  if (typeof value === 'function') return ['imports', 'providers', 'controllers', 'exports'].some((key) => Reflect.getMetadata?.(key, value) !== undefined);
  return value !== null && typeof value === 'object' && typeof (value as DynamicModule).module === 'function';
}

/** Naming mistakes in an extension's option slices (each option `<slice>_...`, TOML under `[<slice>]`). */
export function extensionOptionMistakes(extension: CableExtension): string[] {
  const mistakes: string[] = [];
  for (const slice of extension.options) {
    if (!/^[a-z][a-z0-9_]*$/.test(slice.name)) mistakes.push(`option slice "${slice.name}" must be lower-case letters, digits and _`);
    for (const def of optionsOf(slice.options)) {
      if (!def.name.startsWith(`${slice.name}_`)) mistakes.push(`option ${def.name} must be named ${slice.name}_...`);
      if (!def.toml.startsWith(`${slice.name}.`)) mistakes.push(`option ${def.name} must live under [${slice.name}] in TOML, not ${def.toml}`);
      for (const alias of [...(def.envAliases ?? []), ...(def.deprecatedNames ?? [])]) mistakes.push(`option ${def.name}: extensions may not declare other names (${alias})`);
    }
  }
  return mistakes;
}
