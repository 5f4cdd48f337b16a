/**
 * `@Option()` declares a configuration option on the config schema class: its
 * AnyCable name, value kind, TOML location and description. Together with the
 * class-validator decorators beside it, this is the one schema every input
 * (CLI flags, env, `anycable.toml`) and the generated docs are derived from.
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
  /** Redacted in `--print-config` and logs; the literal `none` means "unset". */
  secret?: boolean;
  /** Documentation group, e.g. `server`, `jwt`. */
  group: string;
}

/** An `OptionSpec` bound to the schema property it decorates. */
export interface OptionDefinition extends OptionSpec {
  property: string;
  name: string;
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

/** Declare an option on the schema class. */
export function Option(spec: OptionSpec): PropertyDecorator {
  return (target, key) => {
    const ctor = target.constructor as { [REGISTRY]?: OptionDefinition[] };
    const list = Object.prototype.hasOwnProperty.call(ctor, REGISTRY) ? ctor[REGISTRY]! : (ctor[REGISTRY] = []);
    const property = String(key);
    const name = spec.name ?? snakeCase(property);
    list.push({ ...spec, property, name, env: envNameFor(name) });
  };
}

/** All options declared on a schema class, in declaration order. */
export function optionsOf(schema: Function): readonly OptionDefinition[] {
  return (schema as { [REGISTRY]?: OptionDefinition[] })[REGISTRY] ?? [];
}
