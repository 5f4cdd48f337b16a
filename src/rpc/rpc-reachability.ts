/**
 * Whether the RPC server is reachable, logged once per change rather than per
 * call: a Rails app that is down for a minute under 1,000 clients produces one
 * warn line and one info line, not thousands (anycable rpc/rpc.go logs
 * "Connection is lost" / "Connection is restored" the same way).
 */
import type { CableLogger } from '../logging/cable-logger.js';
import type { RpcReadiness } from './rpc-client.js';

/** The part of the application logger the RPC layer uses. */
export type RpcLog = Pick<CableLogger, 'logAt'>;

/** Log context of every RPC line. */
export const RPC_LOG_CONTEXT = 'rpc';

/** See file comment. */
export class RpcReachability {
  private state: RpcReadiness['state'] = 'starting';
  private detail: string | undefined;

  constructor(
    private readonly name: string,
    /** Where the server is, for the log lines (host only, never credentials). */
    private readonly target: string,
    private readonly log: RpcLog,
  ) {}

  /** The readiness report of the owning client. */
  readiness(): RpcReadiness {
    return this.detail === undefined ? { name: this.name, state: this.state } : { name: this.name, state: this.state, detail: this.detail };
  }

  /** The server answered (whatever it said). */
  markUp(): void {
    if (this.state === 'up') return;
    const wasDown = this.state === 'down';
    this.state = 'up';
    this.detail = undefined;
    this.log.logAt('info', wasDown ? 'RPC server reachable again' : 'RPC server reachable', { rpc: this.name, target: this.target }, RPC_LOG_CONTEXT);
  }

  /** The server could not be reached. */
  markDown(reason: string): void {
    this.detail = reason;
    if (this.state === 'down') return;
    this.state = 'down';
    this.log.logAt('warn', 'RPC server unreachable', { rpc: this.name, target: this.target, reason }, RPC_LOG_CONTEXT);
  }
}
