/**
 * The RPC fallback (the design's `RpcFallback`): channels no local channel
 * handles, and the `message` commands `$pubsub` / Turbo / CableReady hand on,
 * go to the Rails app as Command calls; a closed connection becomes one
 * Disconnect call, queued and rate-limited, as anycable-go does (node/node.go
 * `Subscribe`, `Unsubscribe`, `Perform`, `Disconnect`; node/disconnect_queue.go).
 */
import type { ChannelContext, PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from '../channels/channel.js';
import type { Counters } from '../metrics/counters.js';
import type { ChannelFallback } from '../channels/channel-fallback.js';
import { DisconnectQueue, type FlushReport } from './disconnect-queue.js';
import type { RpcCallMeta, RpcClient } from './rpc-client.js';
import type { RpcEnvBuilder } from './rpc-env.js';
import type { CommandMessage, DisconnectRequest, RpcCommandName } from './rpc-messages.js';
import { performOutcome, subscribeOutcome, unsubscribeOutcome } from './rpc-outcomes.js';
import type { RpcLog } from './rpc-reachability.js';
import type { RpcSettings } from './rpc.options.js';

/** A queued Disconnect call: the request, built when the connection closed, and the session it was. */
export interface QueuedDisconnect {
  readonly request: DisconnectRequest;
  readonly sid: string;
}

/** See file comment. */
export class RpcFallback implements ChannelFallback {
  readonly name = 'rpc';
  private readonly queue: DisconnectQueue<QueuedDisconnect>;

  constructor(
    private readonly client: RpcClient,
    private readonly env: RpcEnvBuilder,
    private readonly disconnectSettings: RpcSettings['disconnect'],
    log: RpcLog,
    counters?: Counters,
  ) {
    this.queue = new DisconnectQueue(disconnectSettings.queue, (item) => client.disconnect(item.request, { sid: item.sid }), log);
    counters?.gauge('disconnect_queue_size', () => this.queue.size);
  }

  /** Disconnect calls waiting in the queue (for metrics and tests). */
  get pendingDisconnects(): number {
    return this.queue.size;
  }

  async subscribe(ctx: ChannelContext, identifier: string): Promise<SubscribeOutcome> {
    return subscribeOutcome(await this.client.command(this.command(ctx, 'subscribe', identifier), meta(ctx)));
  }

  async unsubscribe(ctx: ChannelContext, identifier: string): Promise<UnsubscribeOutcome> {
    return unsubscribeOutcome(await this.client.command(this.command(ctx, 'unsubscribe', identifier), meta(ctx)));
  }

  async perform(ctx: ChannelContext, identifier: string, data: string): Promise<PerformOutcome> {
    return performOutcome(await this.client.command(this.command(ctx, 'message', identifier, data), meta(ctx)));
  }

  /**
   * Queue one Disconnect call with every subscription, their `istate` (JSON per
   * identifier) and the `cstate`, as they were at close. `disconnect_mode`:
   * `auto` skips connections no outcome showed interest in (JWT and signed
   * streams only), `never` skips all, `always` none.
   */
  disconnect(ctx: ChannelContext, subscriptions: readonly string[]): void {
    if (!this.wantsDisconnect(ctx)) return;
    const istate: Record<string, string> = {};
    for (const identifier of subscriptions) {
      const state = ctx.istate(identifier);
      if (Object.keys(state).length > 0) istate[identifier] = JSON.stringify(state);
    }
    const request: DisconnectRequest = {
      identifiers: ctx.identifiers,
      subscriptions: [...subscriptions],
      env: this.env.requestEnv(ctx.env, ctx.cstate, istate),
    };
    this.queue.enqueue({ request, sid: ctx.sid });
  }

  /** Send every queued Disconnect now and wait for them, at most `timeoutMs` (shutdown). */
  flush(timeoutMs: number): Promise<FlushReport> {
    return this.queue.stop(timeoutMs);
  }

  private wantsDisconnect(ctx: ChannelContext): boolean {
    switch (this.disconnectSettings.mode) {
      case 'always':
        return true;
      case 'never':
        return false;
      case 'auto':
        return ctx.disconnectInterest;
    }
  }

  /** A Command with the connection's identifiers, its `cstate` and this subscription's `istate`. */
  private command(ctx: ChannelContext, command: RpcCommandName, identifier: string, data?: string): CommandMessage {
    const env = this.env.requestEnv(ctx.env, ctx.cstate, ctx.istate(identifier));
    return data === undefined
      ? { command, identifier, connectionIdentifiers: ctx.identifiers, env }
      : { command, identifier, connectionIdentifiers: ctx.identifiers, data, env };
  }
}

/** Call metadata of a session: its sid, and its signal, so the call is cancelled when it closes. */
function meta(ctx: ChannelContext): RpcCallMeta {
  return { sid: ctx.sid, signal: ctx.signal };
}
