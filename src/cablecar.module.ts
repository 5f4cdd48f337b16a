import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { loggerFor } from './bootstrap.js';
import type { CableConfig } from './capabilities.js';
import type { CableLogger } from './logging/cable-logger.js';

/** How cablecar is mounted in a user's application. */
export interface CablecarModuleOptions {
  /** The logger for cablecar's lines (and the slice it reads); by default one built from the `logging` slice. */
  readonly logger?: CableLogger;
  /** A module exporting `CHANNEL_FALLBACK` for channels nothing local handles (default: none, such subscriptions are rejected). */
  readonly fallback?: Type<unknown> | DynamicModule;
}

/**
 * cablecar as a module of your own Nest application: import
 * `CablecarModule.forRoot(config)` beside your modules, create the app with
 * `bodyParser: false` or keep it and let cablecar read the parsed broadcast body,
 * then call `attachCable(app)` before `listen`.
 */
@Module({})
export class CablecarModule {
  /** The module for one loaded config (`loadCableConfig`). */
  static forRoot(config: CableConfig, options: CablecarModuleOptions = {}): DynamicModule {
    const logger = options.logger ?? loggerFor(config.settings.logging);
    return { module: CablecarModule, imports: [AppModule.forRoot(config, logger, [], options.fallback)] };
  }
}
