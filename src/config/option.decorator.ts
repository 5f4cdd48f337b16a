/**
 * `@Option()` declares a configuration option on a capability's options class:
 * its AnyCable name, value kind, TOML location and description. Together with
 * the class-validator decorators beside it, the options classes of every
 * capability form the one schema every input (CLI flags, env, `anycable.toml`),
 * `--help`, `--print-config` and the generated docs are derived from.
 */

/** How a raw string (env, CLI) is turned into the option's value. */
export type OptionKind = 'string' | 'int' | 'number' | 'bool' | 'list';

/** What `@Option()` records about one option. */
export interface OptionSpec {
  /** One-line description (goes into the README table and `--help`). */
  description: string;
  /** Value kind. */
  kind: OptionKind;
  /** Dotted TOML key, e.g. `server.port` or `secret` (top level). */
  toml: string;
  /** Option name as a CLI flag / env suffix; defaults to the snake_case property name. */
  name?: string;
  /** Extra env variable names read (lowest precedence first), e.g. `PORT`. */
  envAliases?: readonly string[];
  /** Old names still accepted with a deprecation warning. */
  deprecatedNames?: readonly string[];
  /** Redacted in `--print-config` and logs, kept out of `ConfigService`; the literal `none` means "unset". */
  secret?: boolean;
}

/** An `OptionSpec` bound to the options-class property it decorates. */
export interface OptionDefinition extends OptionSpec {
  /** The property on the options class, e.g. `pingInterval`. */
  property: string;
  /** Flag name, e.g. `ping_interval` or `max-conn`. */
  name: string;
  /** Primary env variable, e.g. `ANYCABLE_PING_INTERVAL`. */
  env: string;
}

const REGISTRY = Symbol('cablecar:options');

/** Convert `pingInterval` to `ping_interval`. */
export function snakeCase(property: string): string {
  return property.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Env variable for an option name: `ANYCABLE_` + upper-case, `-` -> `_` (anycable cli/options.go `nameToEnvVarName`). */
export function envNameFor(name: string): string {
  return `ANYCABLE_${name.replace(/-/g, '_').toUpperCase()}`;
}

/** Declare an option on a capability's options class. */
export function Option(spec: OptionSpec): PropertyDecorator {
  return (target, key) => {
    const ctor = target.constructor as { [REGISTRY]?: OptionDefinition[] };
    const list = Object.prototype.hasOwnProperty.call(ctor, REGISTRY) ? ctor[REGISTRY]! : (ctor[REGISTRY] = []);
    const property = String(key);
    const name = spec.name ?? snakeCase(property);
    list.push({ ...spec, property, name, env: envNameFor(name) });
  };
}

/** All options declared on an options class, in declaration order. */
export function optionsOf(schema: Function): readonly OptionDefinition[] {
  return (schema as { [REGISTRY]?: OptionDefinition[] })[REGISTRY] ?? [];
}
