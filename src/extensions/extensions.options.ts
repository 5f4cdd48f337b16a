/**
 * The `extensions` slice: ES modules the stock server imports at boot
 * (`--extensions ./dist/chat.module.js`). Read twice: once, alone, before the
 * schema is complete (the modules' own options join it), then with every other option.
 */
import { IsString } from 'class-validator';
import { defineCapability, resolvedOk } from '../config/capability.js';
import { Option } from '../config/option.decorator.js';
import { EXTENSIONS_SETTINGS } from './extensions.tokens.js';

/** Options of the `extensions` slice. */
export class ExtensionsOptions {
  @Option({ kind: 'list', toml: 'extensions', description: 'ES modules to load at boot, each exporting a cablecar extension (paths relative to the working directory, comma-separated). cablecar only.' })
  @IsString({ each: true })
  extensions: string[] = [];
}

/** The resolved `extensions` slice. */
export interface ExtensionsSettings {
  /** The module paths as given, in load order. */
  readonly paths: readonly string[];
}

/** The `extensions` capability, provided as `EXTENSIONS_SETTINGS`. */
export const extensionsCapability = defineCapability({
  name: 'extensions',
  options: ExtensionsOptions,
  token: EXTENSIONS_SETTINGS,
  resolve: (options: Readonly<ExtensionsOptions>) => resolvedOk<ExtensionsSettings>({ paths: options.extensions }),
});
