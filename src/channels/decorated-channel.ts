/**
 * Turns an instance of a `@CableChannel` class into a `PerformingChannel`: each
 * hook gets a `HookContext`, and what it recorded plus what it returned become
 * the outcome value the session applies. `message` commands are dispatched by
 * `data.action` to `@Action()` methods (Action Cable's `perform_action`).
 * Per-subscription liveness is kept here, so a `transmit` from work that ends
 * later never reaches a subscription that has since ended or been replaced.
 */
import { validateSync } from 'class-validator';
import { confirmFrame, rejectFrame } from '../protocol/messages.js';
import type { ChannelParams } from '../protocol/commands.js';
import type { ChannelContext, MaybePromise, PerformingChannel, PerformOutcome, SubscribeOutcome, UnsubscribeOutcome } from './channel.js';
import type { ActionSpec, CableChannelHooks, CableChannelSpec, ParamsClass } from './cable-channel.decorator.js';
import { HookContext, type HookKind, type LiveSubscription, type PublishFn, type RecordedEffects } from './subscription-context.js';

const UNSUBSCRIBED: UnsubscribeOutcome = Object.freeze({ kind: 'unsubscribed' });

/** Params checked against a class-validator class: the instance, or why they are invalid. */
export type CheckedParams = { kind: 'valid'; value: object } | { kind: 'invalid'; reason: string };

/** Check `value` against `paramsClass` (no class: passed through). */
export function checkParams(paramsClass: ParamsClass | undefined, value: Record<string, unknown>): CheckedParams {
  if (!paramsClass) return { kind: 'valid', value };
  const instance = Object.assign(new paramsClass(), value);
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length === 0) return { kind: 'valid', value: instance };
  return { kind: 'invalid', reason: errors.flatMap((e) => Object.values(e.constraints ?? { [e.property]: `${e.property} is invalid` })).join('; ') };
}

/** The confirmed or rejected outcome for what `subscribed` recorded and returned. */
function subscribeOutcome(identifier: string, recorded: RecordedEffects, returned: SubscribeOutcome | void): SubscribeOutcome {
  const outcome = recorded.rejection ?? returned ?? { kind: 'confirmed' };
  if (outcome.kind === 'error') return outcome;
  // The frame Rails sends after the channel's own transmissions, unless the outcome brings its own frames.
  const closing = outcome.transmissions ?? [outcome.kind === 'confirmed' ? confirmFrame(identifier) : rejectFrame(identifier)];
  const transmissions = recorded.transmissions.length > 0 || outcome.transmissions ? [...recorded.transmissions, ...closing] : undefined;
  const connection = { cstate: merged(recorded.cstate, outcome.cstate), disconnect: recorded.disconnect ?? outcome.disconnect, transmissions };
  if (outcome.kind === 'rejected') return compact({ kind: 'rejected', reason: outcome.reason, ...connection });
  return compact({ ...outcome, ...connection, ...streamEffects(recorded, outcome) });
}

/** The performed outcome for what an action recorded and returned; `ignored` / `error` pass through. */
function performOutcome(recorded: RecordedEffects, returned: PerformOutcome | void): PerformOutcome {
  const outcome = returned ?? { kind: 'performed' };
  if (outcome.kind !== 'performed') return outcome;
  const transmissions = [...recorded.transmissions, ...(outcome.transmissions ?? [])];
  return compact({
    ...outcome,
    ...streamEffects(recorded, outcome),
    cstate: merged(recorded.cstate, outcome.cstate),
    disconnect: recorded.disconnect ?? outcome.disconnect,
    transmissions: transmissions.length > 0 ? transmissions : undefined,
  });
}

/** Stream and `istate` effects: the recorded ones first, then the returned outcome's. */
function streamEffects(recorded: RecordedEffects, outcome: { streams?: readonly string[]; stoppedStreams?: readonly string[]; stopStreams?: boolean; istate?: Record<string, string> }) {
  const streams = [...recorded.streams, ...(outcome.streams ?? [])];
  const stopped = [...recorded.stoppedStreams, ...(outcome.stoppedStreams ?? [])];
  return {
    streams: streams.length > 0 ? streams : undefined,
    stoppedStreams: stopped.length > 0 ? stopped : undefined,
    stopStreams: recorded.stopStreams || outcome.stopStreams || undefined,
    istate: merged(recorded.istate, outcome.istate),
  };
}

const merged = (a?: Readonly<Record<string, string>>, b?: Readonly<Record<string, string>>) => (a || b ? { ...a, ...b } : undefined);

/** Drop undefined fields, so outcomes stay the plain values tests and the applier expect. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/** The `error` variant every outcome type has. */
type ErrorOutcome = { readonly kind: 'error'; readonly reason: string };

/** Run a hook; its throw or rejection becomes an `error` outcome naming the channel and hook. */
function runHook<R, O>(label: string, ctx: HookContext, call: () => MaybePromise<R>, finish: (recorded: RecordedEffects, returned: R) => O): MaybePromise<O | ErrorOutcome> {
  const failed = (error: unknown): ErrorOutcome => {
    ctx.finish();
    return { kind: 'error', reason: `${label}: ${error instanceof Error ? error.message : String(error)}` };
  };
  let result: MaybePromise<R>;
  try {
    result = call();
  } catch (error) {
    return failed(error);
  }
  if (result instanceof Promise) return result.then((returned) => finish(ctx.finish(), returned), failed);
  return finish(ctx.finish(), result);
}

/** See file comment. */
export class DecoratedChannel implements PerformingChannel {
  private readonly live = new WeakMap<ChannelContext, Map<string, LiveSubscription>>();

  constructor(
    private readonly spec: CableChannelSpec,
    private readonly instance: CableChannelHooks<any> & Record<string, unknown>,
    private readonly actions: ReadonlyMap<string, ActionSpec>,
    private readonly publish: PublishFn,
  ) {}

  subscribe(ctx: ChannelContext, identifier: string, params: ChannelParams): MaybePromise<SubscribeOutcome> {
    let subscriptions = this.live.get(ctx);
    if (!subscriptions) this.live.set(ctx, (subscriptions = new Map()));
    // A new subscribe under this identifier ends whatever an earlier one left behind.
    const previous = subscriptions.get(identifier);
    if (previous) previous.alive = false;
    const live: LiveSubscription = { alive: true };
    subscriptions.set(identifier, live);
    const end = (outcome: SubscribeOutcome): SubscribeOutcome => {
      if (outcome.kind !== 'confirmed') this.end(ctx, identifier, live);
      return outcome;
    };
    const checked = checkParams(this.spec.params, params);
    if (checked.kind === 'invalid') return end({ kind: 'rejected', reason: `invalid params: ${checked.reason}` });
    const hook = this.instance.subscribed;
    if (!hook) return { kind: 'confirmed' };
    const context = this.context(ctx, identifier, 'subscribe', live);
    return runHook(`${this.spec.name}#subscribed`, context, () => hook.call(this.instance, context, checked.value), (recorded, returned: SubscribeOutcome | void) =>
      end(subscribeOutcome(identifier, recorded, returned)),
    );
  }

  perform(ctx: ChannelContext, identifier: string, data: string): MaybePromise<PerformOutcome> {
    let decoded: unknown;
    try {
      decoded = JSON.parse(data);
    } catch {
      return { kind: 'ignored', reason: 'data is not JSON' };
    }
    const action = decoded !== null && typeof decoded === 'object' ? (decoded as Record<string, unknown>).action : undefined;
    if (typeof action !== 'string') return { kind: 'ignored', reason: 'data has no action' };
    const spec = this.actions.get(action);
    if (!spec) return { kind: 'ignored', reason: `${this.spec.name} has no action ${JSON.stringify(action.slice(0, 64))}` };
    const checked = checkParams(spec.params, decoded as Record<string, unknown>);
    if (checked.kind === 'invalid') return { kind: 'ignored', reason: `${action}: invalid data: ${checked.reason}` };
    const live = this.liveOf(ctx, identifier);
    const context = this.context(ctx, identifier, 'perform', live);
    const method = this.instance[spec.method] as (c: HookContext, d: object) => MaybePromise<PerformOutcome | void>;
    return runHook(`${this.spec.name}#${spec.method}`, context, () => method.call(this.instance, context, checked.value), performOutcome);
  }

  unsubscribe(ctx: ChannelContext, identifier: string): MaybePromise<UnsubscribeOutcome> {
    const live = this.liveOf(ctx, identifier);
    this.end(ctx, identifier, live);
    const hook = this.instance.unsubscribed;
    if (!hook) return UNSUBSCRIBED;
    const context = this.context(ctx, identifier, 'unsubscribe', live);
    return runHook(`${this.spec.name}#unsubscribed`, context, () => hook.call(this.instance, context), (recorded) =>
      compact({ kind: 'unsubscribed' as const, cstate: recorded.cstate, disconnect: recorded.disconnect }),
    );
  }

  /** The live record of a subscription; a dead one when this channel never confirmed it. */
  private liveOf(ctx: ChannelContext, identifier: string): LiveSubscription {
    return this.live.get(ctx)?.get(identifier) ?? { alive: false };
  }

  /** The subscription is over: its late transmits are dropped, and the map forgets it. */
  private end(ctx: ChannelContext, identifier: string, live: LiveSubscription): void {
    live.alive = false;
    const subscriptions = this.live.get(ctx);
    if (subscriptions?.get(identifier) === live) subscriptions.delete(identifier);
  }

  private context(ctx: ChannelContext, identifier: string, kind: HookKind, live: LiveSubscription): HookContext {
    return new HookContext(ctx, identifier, kind, live, this.publish);
  }
}
