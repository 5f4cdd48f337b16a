/** Helpers for the wiring tests of single Nest modules: a loaded config, a quiet logger, a root module. */
import { Module, type ModuleMetadata, type Type } from '@nestjs/common';
import { loadCableConfig, type CableConfig } from '../../src/capabilities.js';
import { CableConfigModule } from '../../src/config/cable-config.module.js';
import { LifecycleModule } from '../../src/lifecycle.module.js';
import { CableLogger } from '../../src/logging/cable-logger.js';

/** Load cablecar's config from flags and env (no config file is read); throws on invalid input. */
export function testConfig(argv: string[] = [], env: Record<string, string> = {}): { config: CableConfig; warnings: string[] } {
  const outcome = loadCableConfig({ argv: ['--ignore-config-path', ...argv], env, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error(`bad test config: ${JSON.stringify(outcome)}`);
  return outcome;
}

/** A JSON logger that keeps its lines in `lines` (at `level`), or drops everything below `error`. */
export function quietLogger(lines?: string[], level: 'debug' | 'info' | 'error' = lines ? 'info' : 'error'): CableLogger {
  return new CableLogger({ level, format: 'json', write: (line) => lines?.push(line) });
}

/** A root module: the config module (every slice under its token), the edge registry, plus `imports`. */
export function rootModuleWith(config: CableConfig, logger: CableLogger, imports: ModuleMetadata['imports']): Type {
  @Module({ imports: [CableConfigModule.forRoot(config, logger), LifecycleModule, ...(imports ?? [])] })
  class RootModule {}
  return RootModule;
}
