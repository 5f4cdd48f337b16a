/**
 * The RPC identification step (rank 50, after JWT): a Connect call with the
 * connection's env (URL, the `headers` allow-list with the cookie filter
 * applied, `REMOTE_ADDR`), so Rails' `ApplicationCable::Connection#connect`
 * decides, from cookies or headers, as under anycable-go (node/node.go `Authenticate`).
 */
import type { ConnectionIdentifier, Handshake, IdentifyOutcome } from '../auth/identification.js';
import type { RpcClient } from './rpc-client.js';
import type { RpcEnvBuilder } from './rpc-env.js';
import { connectOutcome } from './rpc-outcomes.js';

/** See file comment. */
export class RpcIdentifier implements ConnectionIdentifier {
  readonly name = 'rpc';

  constructor(
    private readonly client: RpcClient,
    private readonly env: RpcEnvBuilder,
  ) {}

  /** The call is cancelled if the client goes away while Rails is still deciding. */
  async identify(handshake: Handshake): Promise<IdentifyOutcome> {
    const outcome = await this.client.connect({ env: this.env.requestEnv(handshake.env) }, { sid: handshake.sid, signal: handshake.signal });
    return connectOutcome(outcome);
  }
}
