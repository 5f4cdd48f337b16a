#!/usr/bin/env node
/** Production entry: `node dist/main.js [--option value ...]`, or `node dist/main.js token ...` to issue a JWT. */
import { describeConfig } from './config/describe-config.js';
import type { ConfigOutcome, ConfigSources } from './config/load-config.js';
import { loadStartupConfig } from './extensions/extension-loader.js';
import { loggerFor, startCable, type RunningCable } from './bootstrap.js';
import { runTokenCommand } from './auth/jwt/token.command.js';
import type { CableLogger } from './logging/cable-logger.js';

/** Print every problem under one coded headline and exit 2. */
function refuse(code: string, what: string, problems: readonly string[]): void {
  process.stderr.write(`cablecar: ${code}: ${what} (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n`);
  for (const problem of problems) process.stderr.write(`  - ${problem}\n`);
  process.exitCode = 2;
}

async function main(): Promise<void> {
  const startup = await loadStartupConfig({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() });
  if (startup.kind === 'extensions-failed') return refuse('CABLE_ERR_EXTENSION_LOAD', 'cannot load extensions', startup.problems);
  const { outcome, extensions } = startup;
  switch (outcome.kind) {
    case 'help':
      process.stdout.write(outcome.text + '\n');
      return;
    case 'invalid':
      return refuse('CABLE_ERR_CONFIG_INVALID', 'invalid configuration', outcome.problems);
    case 'ok':
      break;
  }
  if (outcome.printConfig) {
    process.stdout.write(describeConfig(outcome.config) + '\n');
    return;
  }
  // Warnings first, so they are seen even when listening fails.
  const logger = loggerFor(outcome.config.settings.logging);
  for (const warning of outcome.warnings) logger.logAt('warn', warning);
  // why debug, and before starting: ~50 lines on every start bury what matters (the start-up line says what is
  // on; `--print-config` prints this on demand), and a start that fails should still show what it was given.
  if (logger.debugEnabled) logger.logAt('debug', 'effective config\n' + describeConfig(outcome.config));
  if (extensions.length > 0) logger.logAt('info', 'extensions loaded', { extensions: extensions.map((extension) => extension.name).join(',') });
  const starting = startCable(outcome.config, { logger, imports: extensions.map((extension) => extension.module) });
  // why before awaiting: a signal that arrives while the server starts must still end in a clean drain.
  exitOnSignals(starting, logger, outcome.config.settings.server.shutdownTimeoutMs);
  const running = await starting;
  if (outcome.configFile) running.logger.logAt('info', 'config file loaded', { file: outcome.configFile });
}

/**
 * SIGTERM / SIGINT: drain (server_restart to every session, upgrades refused),
 * close, exit 0. Nest's own shutdown hooks re-raise the signal, which makes the
 * process die by signal instead; a second signal kills at once.
 */
function exitOnSignals(starting: Promise<RunningCable>, logger: CableLogger, shutdownTimeoutMs: number): void {
  const onSignal = (signal: NodeJS.Signals) => {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
    logger.logAt('info', 'shutting down', { signal });
    // Backstop: the drain ends at shutdown_timeout; the rest (HTTP close) must not hold the exit.
    setTimeout(() => process.exit(0), shutdownTimeoutMs + 5000).unref();
    starting
      .then((running) => running.close())
      .then(
        () => process.exit(0),
        (error: Error) => {
          logger.logAt('error', 'shutdown failed', { error: error.message });
          process.exit(1);
        },
      );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** The token command's config: the same as the server's, so extension options in `anycable.toml` are known. */
const tokenConfig = (sources: ConfigSources) =>
  loadStartupConfig(sources).then((startup): ConfigOutcome => (startup.kind === 'config' ? startup.outcome : { kind: 'invalid', problems: startup.problems }));

if (process.argv[2] === 'token') {
  void runTokenCommand({ argv: process.argv.slice(3), env: process.env, cwd: process.cwd() }, process.stdout, process.stderr, tokenConfig).then((code) => {
    process.exitCode = code;
  });
} else {
  main().catch((error: Error) => {
    process.stderr.write(`cablecar: failed to start: ${error.message}\n`);
    process.exitCode = 1;
  });
}
