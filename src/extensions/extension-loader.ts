/**
 * The stock server's boot with extensions: read `--extensions` alone, import
 * each module, check the option names they add, then load the whole config with
 * their options in the one schema (so `--help`, validation and `--print-config`
 * cover them). A module that cannot be loaded stops start-up, named by its path.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CAPABILITIES, loadCableConfig, type CableCapabilities } from '../capabilities.js';
import { schemaMistakes, schemaOptions } from '../config/config-schema.js';
import type { ConfigOutcome, ConfigSources } from '../config/load-config.js';
import { peekOption } from '../config/option-sources.js';
import { extensionFrom, extensionOptionMistakes, type CableExtension } from './extension.js';
import { extensionsCapability } from './extensions.options.js';

/** Imports one module by URL; injectable so tests need no files. */
export type ModuleImporter = (url: string) => Promise<Record<string, unknown>>;

/** The extensions named by `paths`, or every path that failed with its reason. */
export type LoadedExtensions = { kind: 'loaded'; extensions: CableExtension[] } | { kind: 'failed'; problems: string[] };

/** What the stock server boots with: the config outcome and the extensions it was loaded with, or the extensions that failed. */
export type StartupConfig = { kind: 'config'; outcome: ConfigOutcome<CableCapabilities>; extensions: readonly CableExtension[] } | { kind: 'extensions-failed'; problems: string[] };

const importModule: ModuleImporter = (url) => import(url) as Promise<Record<string, unknown>>;

/** Import each path (relative to `cwd`) and read its default export; all failures are reported together. */
export async function loadExtensions(paths: readonly string[], cwd: string, importer: ModuleImporter = importModule): Promise<LoadedExtensions> {
  const extensions: CableExtension[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    const file = resolve(cwd, path);
    const fail = (reason: string) => problems.push(`extension ${path} (${file}): ${reason}`);
    if (!existsSync(file)) {
      fail('no such file');
      continue;
    }
    let loaded: Record<string, unknown>;
    try {
      loaded = await importer(pathToFileURL(file).href);
    } catch (error) {
      fail(`cannot be imported: ${(error as Error)?.message?.split('\n')[0] ?? String(error)}`);
      continue;
    }
    const found = extensionFrom(loaded.default, path);
    if (found.kind === 'invalid') fail(found.reason);
    else extensions.push(found.extension);
  }
  return problems.length > 0 ? { kind: 'failed', problems } : { kind: 'loaded', extensions };
}

/** Mistakes in the option slices extensions add: naming rules, and names already taken (by cablecar or another extension). */
export function extensionSchemaMistakes(extensions: readonly CableExtension[]): string[] {
  const own = extensions.flatMap((extension) => extensionOptionMistakes(extension).map((mistake) => `extension ${extension.name}: ${mistake}`));
  const clashes = schemaMistakes([...CAPABILITIES, ...extensions.flatMap((e) => e.options)]);
  return [...own, ...clashes.map((clash) => `extension options: ${clash}`)];
}

/** See file comment. */
export async function loadStartupConfig(sources: ConfigSources, importer: ModuleImporter = importModule): Promise<StartupConfig> {
  const [extensionsOption] = schemaOptions([extensionsCapability]);
  const paths = (peekOption(sources, extensionsOption) as string[] | undefined) ?? [];
  const loaded = await loadExtensions(paths, sources.cwd, importer);
  if (loaded.kind === 'failed') return { kind: 'extensions-failed', problems: loaded.problems };
  const mistakes = extensionSchemaMistakes(loaded.extensions);
  if (mistakes.length > 0) return { kind: 'extensions-failed', problems: mistakes };
  return { kind: 'config', outcome: loadCableConfig(sources, loaded.extensions), extensions: loaded.extensions };
}
