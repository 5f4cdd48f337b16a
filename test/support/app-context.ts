/** The whole app as a Nest application context (no HTTP listening), for module wiring tests. */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { loadConfig } from '../../src/config/load-config.js';
import { CableLogger } from '../../src/logging/cable-logger.js';

/** Boot `AppModule` for CLI-style flags (no config file read, errors-only silent logger); init hooks have run. */
export async function appContextFor(argv: string[]): Promise<INestApplicationContext> {
  const outcome = loadConfig({ argv: ['--ignore-config-path', ...argv], env: {}, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error(`bad config: ${JSON.stringify(outcome)}`);
  const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });
  return NestFactory.createApplicationContext(AppModule.forRoot(outcome.config, logger), { logger });
}
