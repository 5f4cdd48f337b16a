/**
 * The `logging` slice: level and format (anycable logger/config.go); `debug`
 * implies the debug level (anycable cli/options.go). Read by `main.ts` and the
 * bootstrap to build the `CableLogger`.
 */
import { IsBoolean, IsIn } from 'class-validator';
import { defineCapability, resolvedOk, type Resolved } from './capability.js';
import { LOGGING_SETTINGS } from './config.tokens.js';
import { Option } from './option.decorator.js';

/** Log levels accepted by `log_level`. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
/** Log formats accepted by `log_format`. */
export const LOG_FORMATS = ['text', 'json'] as const;

/** Options of the `logging` slice. */
export class LoggingOptions {
  @Option({ kind: 'string', toml: 'logging.level', description: 'Log level: debug, info, warn, error.' })
  @IsIn(LOG_LEVELS as unknown as string[])
  logLevel: (typeof LOG_LEVELS)[number] = 'info';

  @Option({ kind: 'string', toml: 'logging.format', description: 'Log format: text or json.' })
  @IsIn(LOG_FORMATS as unknown as string[])
  logFormat: (typeof LOG_FORMATS)[number] = 'text';

  @Option({ kind: 'bool', toml: 'logging.debug', description: 'Shorthand for log_level=debug.' })
  @IsBoolean()
  debug = false;
}

/** The resolved `logging` slice. */
export interface LoggingSettings {
  readonly level: (typeof LOG_LEVELS)[number];
  readonly format: (typeof LOG_FORMATS)[number];
}

/** Resolve the `logging` slice: `debug` wins over `log_level`. */
export function resolveLoggingSettings(options: Readonly<LoggingOptions>): Resolved<LoggingSettings, LoggingOptions> {
  const level = options.debug ? 'debug' : options.logLevel;
  return resolvedOk({ level, format: options.logFormat }, level !== options.logLevel ? { logLevel: level } : undefined);
}

/** The `logging` capability. */
export const loggingCapability = defineCapability({ name: 'logging', options: LoggingOptions, token: LOGGING_SETTINGS, resolve: resolveLoggingSettings });
