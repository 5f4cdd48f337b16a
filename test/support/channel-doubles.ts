/** Scriptable channel and fallback doubles that record every call with the state they saw. */
import type { ChannelContext, MaybePromise, PerformingChannel, PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from '../../src/channels/channel.js';
import type { ChannelFallback } from '../../src/channels/channel-fallback.js';
import type { StateMap } from '../../src/connection/connection-state.js';
import type { ChannelParams } from '../../src/protocol/commands.js';

/** One recorded handler call. */
export interface RecordedCall {
  command: 'subscribe' | 'unsubscribe' | 'perform' | 'disconnect';
  identifier: string;
  sid: string;
  cstate: StateMap;
  istate: StateMap;
  data?: string;
  subscriptions?: readonly string[];
  /** For `disconnect`: the `istate` of each subscription as the fallback saw it. */
  istates?: Record<string, StateMap>;
}

function record(calls: RecordedCall[], command: RecordedCall['command'], ctx: ChannelContext, identifier: string, extra: Partial<RecordedCall> = {}): void {
  calls.push({ command, identifier, sid: ctx.sid, cstate: ctx.cstate, istate: ctx.istate(identifier), ...extra });
}

/** A channel whose outcomes are set per test; by default it confirms without streams and performs nothing. */
export class ScriptedChannel implements PerformingChannel {
  readonly calls: RecordedCall[] = [];
  onSubscribe: (identifier: string, params: ChannelParams) => MaybePromise<SubscribeOutcome> = () => ({ kind: 'confirmed' });
  onPerform: (data: string, identifier: string) => MaybePromise<PerformOutcome> = () => ({ kind: 'performed' });
  onUnsubscribe: (identifier: string) => MaybePromise<UnsubscribeOutcome> = () => ({ kind: 'unsubscribed' });

  subscribe(ctx: ChannelContext, identifier: string, params: ChannelParams): MaybePromise<SubscribeOutcome> {
    record(this.calls, 'subscribe', ctx, identifier);
    return this.onSubscribe(identifier, params);
  }

  perform(ctx: ChannelContext, identifier: string, data: string): MaybePromise<PerformOutcome> {
    record(this.calls, 'perform', ctx, identifier, { data });
    return this.onPerform(data, identifier);
  }

  unsubscribe(ctx: ChannelContext, identifier: string): MaybePromise<UnsubscribeOutcome> {
    record(this.calls, 'unsubscribe', ctx, identifier);
    return this.onUnsubscribe(identifier);
  }
}

/** A fallback that records every call; subscribe confirms, perform does nothing. */
export class RecordingFallback extends ScriptedChannel implements ChannelFallback {
  readonly name = 'recording';

  disconnect(ctx: ChannelContext, subscriptions: readonly string[]): void {
    const istates = Object.fromEntries(subscriptions.map((identifier) => [identifier, ctx.istate(identifier)]));
    this.calls.push({ command: 'disconnect', identifier: '', sid: ctx.sid, cstate: ctx.cstate, istate: {}, subscriptions: [...subscriptions], istates });
  }
}
