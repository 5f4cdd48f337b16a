/** The whole app as a Nest application context (no HTTP listening), for module wiring tests. */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../src/app.module.js';
import { httpOnlyUnlessSet } from './app.js';
import { quietLogger, testConfig } from './modules.js';

/** Boot `AppModule` for CLI-style flags (HTTP broadcasts only unless given; no config file read, errors-only silent logger); init hooks have run. */
export async function appContextFor(argv: string[]): Promise<INestApplicationContext> {
  const { config } = testConfig([...httpOnlyUnlessSet(argv), ...argv]);
  const logger = quietLogger();
  return NestFactory.createApplicationContext(AppModule.forRoot(config, logger), { logger });
}
