import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CABLE_LOGGER } from './config.tokens.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { publicOptionValues } from './describe-config.js';
import type { LoadedConfig } from './load-config.js';

/**
 * Provides each capability's frozen settings under its own token (`SERVER_SETTINGS`,
 * `JWT_SETTINGS`, ...) and the logger. Each module injects only its own slice.
 * `@nestjs/config`'s `ConfigService` gets the non-secret option values only, and
 * not `process.env` (which holds `ANYCABLE_SECRET`), so user modules can read
 * options (`config.get('port')`) without ever seeing a secret. Global because every
 * module, user extensions included, reads its slice or the logger from it.
 */
@Global()
@Module({})
export class CableConfigModule {
  /** The module for one loaded config. */
  static forRoot(config: LoadedConfig, logger: CableLogger): DynamicModule {
    const settings = config.settings as Readonly<Record<string, unknown>>;
    const slices = config.capabilities.map((capability) => ({ provide: capability.token, useValue: settings[capability.name] }));
    const tokens = config.capabilities.map((capability) => capability.token);
    return {
      module: CableConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, skipProcessEnv: true, validatePredefined: false, load: [() => publicOptionValues(config)] })],
      providers: [...slices, { provide: CABLE_LOGGER, useValue: logger }],
      exports: [...tokens, CABLE_LOGGER, ConfigModule],
    };
  }
}
