/**
 * `cablecar token --identifiers '{"user_id":42}' [--ttl 300] [--jti]`: print a
 * token signed with the configured JWT secret (all config sources apply, so
 * `--jwt_secret`, `ANYCABLE_JWT_SECRET` or `anycable.toml` work as for the server).
 */
import { settingsFor, type ConfigOutcome, type ConfigSources } from '../../config/load-config.js';
import { jwtCapability } from './jwt.options.js';
import { issueToken } from './token-issuer.js';

/** Loads the whole config (extensions' options included); passed in, so this feature needs not know the list of capabilities. */
export type TokenConfigLoader = (sources: ConfigSources) => ConfigOutcome | Promise<ConfigOutcome>;

/** Where the command writes. */
export interface CommandOutput {
  write(text: string): unknown;
}

const USAGE = 'usage: cablecar token --identifiers JSON [--ttl SECONDS (default 3600, 0 = no exp)] [--jti] [--option value ...]';

/** Run the command; returns the process exit code. */
export async function runTokenCommand(sources: ConfigSources, stdout: CommandOutput, stderr: CommandOutput, load: TokenConfigLoader): Promise<number> {
  const rest: string[] = [];
  let identifiers: string | undefined;
  let ttl = '3600';
  let jti = false;
  for (let i = 0; i < sources.argv.length; i++) {
    const arg = sources.argv[i];
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (flag === '--identifiers') identifiers = inline ?? sources.argv[++i];
    else if (flag === '--ttl') ttl = inline ?? sources.argv[++i] ?? '';
    else if (flag === '--jti') jti = true;
    else rest.push(arg);
  }
  if (identifiers === undefined) return fail(stderr, `--identifiers is required\n${USAGE}`);
  try {
    JSON.parse(identifiers);
  } catch {
    return fail(stderr, '--identifiers must be JSON, e.g. \'{"user_id":42}\'');
  }
  const ttlSeconds = Number(ttl);
  if (!Number.isInteger(ttlSeconds) || ttlSeconds < 0) return fail(stderr, `--ttl must be a whole number of seconds, got ${JSON.stringify(ttl)}`);
  const outcome = await load({ ...sources, argv: rest });
  if (outcome.kind === 'help') return (stdout.write(USAGE + '\n'), 0);
  if (outcome.kind === 'invalid') return fail(stderr, `invalid configuration:\n  - ${outcome.problems.join('\n  - ')}`);
  // The current secret comes first (resolveJwtSettings); previous ones never sign.
  const secret = settingsFor(outcome.config, jwtCapability).hmacSecrets[0]?.toString('utf8');
  if (!secret) return fail(stderr, 'no JWT secret configured (set --jwt_secret, ANYCABLE_JWT_SECRET, [jwt] secret or secret)');
  stdout.write(issueToken({ identifiers, key: secret, ttlSeconds, ...(jti ? { jti: true as const } : {}) }) + '\n');
  return 0;
}

function fail(stderr: CommandOutput, message: string): number {
  stderr.write(`cablecar token: ${message}\n`);
  return 2;
}
