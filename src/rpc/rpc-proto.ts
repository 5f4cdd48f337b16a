/**
 * Loads `rpc.proto` (shipped beside this module: `npm run build` copies it to
 * `dist/rpc/`) into a grpc-js service definition, once. Used by the gRPC
 * client and by the test RPC server, so both sides read the same contract.
 */
import { fileURLToPath } from 'node:url';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';

/** Absolute path of `rpc.proto`, resolved relative to this module (works from `src/` and `dist/`). */
export const RPC_PROTO_PATH = fileURLToPath(new URL('./rpc.proto', import.meta.url));

/** Full gRPC service name (anycable etc/rpc.proto). */
export const RPC_SERVICE_NAME = 'anycable.RPC';

/** The loaded service: a client constructor and the definition a server registers. */
export interface RpcProto {
  Client: grpc.ServiceClientConstructor;
  service: grpc.ServiceDefinition;
}

let loaded: RpcProto | undefined;

/**
 * Load once. camelCase field names (converted at the HTTP boundary), enums as
 * numbers (the wire values), and defaults filled so empty repeated fields are `[]`.
 */
export function loadRpcProto(): RpcProto {
  if (loaded) return loaded;
  const definition = protoLoader.loadSync(RPC_PROTO_PATH, { keepCase: false, longs: Number, enums: Number, defaults: true, arrays: true, objects: false, oneofs: true });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { anycable: { RPC: grpc.ServiceClientConstructor } };
  loaded = { Client: pkg.anycable.RPC, service: pkg.anycable.RPC.service };
  return loaded;
}
