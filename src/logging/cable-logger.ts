/**
 * Structured logger (text or JSON lines) used by Nest and by the hot path.
 * Callers on the hot path check `debugEnabled` before building a message, so
 * per-frame logging costs one boolean test when debug is off.
 */
import type { LoggerService } from '@nestjs/common';

type Level = 'debug' | 'info' | 'warn' | 'error';

/**
 * Contexts of Nest's own start-up chatter (one line per module, route and gateway):
 * debug, so that a start prints one info line of cablecar's (logging/startup-summary.ts).
 */
const NEST_BOOT_CONTEXTS: ReadonlySet<string> = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication', 'WebSocketsController']);
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Logger options. */
export interface CableLoggerOptions {
  level: Level;
  format: 'text' | 'json';
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
}

/** Structured fields attached to a log line. Never put secrets here. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/** The application logger; also Nest's `LoggerService`. */
export class CableLogger implements LoggerService {
  readonly debugEnabled: boolean;
  private readonly min: number;
  private readonly write: (line: string) => void;

  constructor(private readonly options: CableLoggerOptions) {
    this.min = RANK[options.level];
    this.debugEnabled = this.min <= RANK.debug;
    this.write = options.write ?? ((line) => process.stdout.write(line + '\n'));
  }

  /** Emit one line at `level` with structured `fields`. */
  logAt(level: Level, message: string, fields?: LogFields, context?: string): void {
    if (RANK[level] < this.min) return;
    const time = new Date().toISOString();
    if (this.options.format === 'json') {
      this.write(JSON.stringify({ time, level, msg: message, ...(context ? { context } : {}), ...fields }));
      return;
    }
    let line = `${time} ${level.toUpperCase().padEnd(5)} ${context ? `[${context}] ` : ''}${message}`;
    if (fields) for (const [k, v] of Object.entries(fields)) if (v !== undefined) line += ` ${k}=${typeof v === 'string' && /\s/.test(v) ? JSON.stringify(v) : v}`;
    this.write(line);
  }

  debug(message: unknown, context?: string): void {
    this.logAt('debug', String(message), undefined, context);
  }
  verbose(message: unknown, context?: string): void {
    this.logAt('debug', String(message), undefined, context);
  }
  log(message: unknown, context?: string): void {
    this.logAt(context !== undefined && NEST_BOOT_CONTEXTS.has(context) ? 'debug' : 'info', String(message), undefined, context);
  }
  warn(message: unknown, context?: string): void {
    this.logAt('warn', String(message), undefined, context);
  }
  error(message: unknown, stack?: string, context?: string): void {
    this.logAt('error', message instanceof Error ? message.message : String(message), stack ? { stack } : undefined, context);
  }
}
