/**
 * Builds the RPC client the settings ask for, so wiring code never tests the
 * transport itself.
 */
import type { Counters } from '../metrics/counters.js';
import { GrpcRpcClient } from './grpc.rpc-client.js';
import { HttpRpcClient } from './http.rpc-client.js';
import type { RpcClient } from './rpc-client.js';
import type { RpcLog } from './rpc-reachability.js';
import type { RpcClientSettings } from './rpc.options.js';

/** A gRPC or HTTP client, or `undefined` when RPC is off (`norpc`, `public`); calls are counted in `counters`. */
export function createRpcClient(settings: RpcClientSettings, log: RpcLog, counters?: Counters): RpcClient | undefined {
  switch (settings.transport) {
    case 'grpc':
      return new GrpcRpcClient(settings.grpc, log, counters);
    case 'http':
      return new HttpRpcClient(settings.http, log, counters);
    case 'none':
      return undefined;
  }
}
