/**
 * Builds the RPC client the settings ask for, so wiring code never tests the
 * transport itself.
 */
import { GrpcRpcClient } from './grpc.rpc-client.js';
import { HttpRpcClient } from './http.rpc-client.js';
import type { RpcClient } from './rpc-client.js';
import type { RpcLog } from './rpc-reachability.js';
import type { RpcClientSettings } from './rpc.options.js';

/** A gRPC or HTTP client, or `undefined` when RPC is off (`norpc`, `public`). */
export function createRpcClient(settings: RpcClientSettings, log: RpcLog): RpcClient | undefined {
  switch (settings.transport) {
    case 'grpc':
      return new GrpcRpcClient(settings.grpc, log);
    case 'http':
      return new HttpRpcClient(settings.http, log);
    case 'none':
      return undefined;
  }
}
