/** A scriptable `RpcClient` for unit tests: records every call and answers with the outcome set per method. */
import type { RpcCallMeta, RpcClient, RpcOutcome, RpcReadiness } from '../../src/rpc/rpc-client.js';
import type { CommandResponse, ConnectionResponse, DisconnectResponse, RpcMethod, RpcRequests, RpcResponses } from '../../src/rpc/rpc-messages.js';

/** One recorded call. */
export interface ClientCall<M extends RpcMethod = RpcMethod> {
  method: M;
  request: RpcRequests[M];
  meta: RpcCallMeta;
}

/** A CommandResponse with SUCCESS and nothing else, patched. */
export function commandReply(patch: Partial<CommandResponse> = {}): CommandResponse {
  return { status: 1, disconnect: false, stopStreams: false, streams: [], transmissions: [], errorMsg: '', stoppedStreams: [], ...patch };
}

/** A ConnectionResponse with SUCCESS, patched. */
export function connectReply(patch: Partial<ConnectionResponse> = {}): ConnectionResponse {
  return { status: 1, identifiers: '{"user":"ann"}', transmissions: ['{"type":"welcome"}'], errorMsg: '', ...patch };
}

/** See file comment. */
export class RpcClientDouble implements RpcClient {
  readonly name = 'rpc:double';
  readonly calls: ClientCall[] = [];
  started = false;
  stopped = false;
  onConnect: (request: RpcRequests['connect']) => RpcOutcome<ConnectionResponse> | Promise<RpcOutcome<ConnectionResponse>> = () => ({ kind: 'success', response: connectReply(), attempts: 1 });
  onCommand: (request: RpcRequests['command']) => RpcOutcome<CommandResponse> | Promise<RpcOutcome<CommandResponse>> = () => ({ kind: 'success', response: commandReply(), attempts: 1 });
  onDisconnect: (request: RpcRequests['disconnect']) => RpcOutcome<DisconnectResponse> | Promise<RpcOutcome<DisconnectResponse>> = () => ({ kind: 'success', response: { status: 1, errorMsg: '' }, attempts: 1 });

  async start(): Promise<void> {
    this.started = true;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  readiness(): RpcReadiness {
    return { name: this.name, state: 'up' };
  }

  /** Calls of one method. */
  of<M extends RpcMethod>(method: M): ClientCall<M>[] {
    return this.calls.filter((c): c is ClientCall<M> => c.method === method);
  }

  async connect(request: RpcRequests['connect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['connect']>> {
    this.calls.push({ method: 'connect', request, meta });
    return this.onConnect(request);
  }

  async command(request: RpcRequests['command'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['command']>> {
    this.calls.push({ method: 'command', request, meta });
    return this.onCommand(request);
  }

  async disconnect(request: RpcRequests['disconnect'], meta: RpcCallMeta): Promise<RpcOutcome<RpcResponses['disconnect']>> {
    this.calls.push({ method: 'disconnect', request, meta });
    return this.onDisconnect(request);
  }
}
