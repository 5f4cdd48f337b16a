import { Global, Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { CABLE_CONFIG, CABLE_LOGGER } from './config.tokens.js';
import type { CableLogger } from '../logging/cable-logger.js';
import type { CableConfig } from './cable-config.js';

/**
 * Makes the frozen config and the logger injectable everywhere. The same values
 * are loaded into `@nestjs/config`'s `ConfigService`, so user modules can read
 * options (`config.get('port')`) without knowing cablecar's tokens.
 */
@Global()
@Module({})
export class CableConfigModule {
  static forRoot(config: Readonly<CableConfig>, logger: CableLogger): DynamicModule {
    return {
      module: CableConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, load: [() => ({ ...config })] })],
      providers: [
        { provide: CABLE_CONFIG, useValue: config },
        { provide: CABLE_LOGGER, useValue: logger },
      ],
      exports: [CABLE_CONFIG, CABLE_LOGGER, ConfigModule],
    };
  }
}
