/** DI tokens of the RPC module. */

/** Frozen `RpcSettings`: the client to build, the cookie filter, the disconnect mode and queue. */
export const RPC_SETTINGS = Symbol('RPC_SETTINGS');
/** The `RpcClient` (gRPC or HTTP), or `null` when RPC is off (`norpc`, `public`). */
export const RPC_CLIENT = Symbol('RPC_CLIENT');
