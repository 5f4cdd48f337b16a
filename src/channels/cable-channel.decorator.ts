/**
 * The public way to write a channel: `@CableChannel('ChatChannel')` on a Nest
 * provider class, `@Action()` on the methods a client may `perform`. The
 * decorators only record metadata; `CableChannelContributor` finds the classes
 * at boot and turns each into a `ChannelRegistration` (the same discovery every
 * built-in channel goes through).
 */
import { DiscoveryService } from '@nestjs/core';
import type { MaybePromise, PerformOutcome, SubscribeOutcome } from './channel.js';
import type { SubscribeContext, SubscriptionContext } from './subscription-context.js';

/** A class-validator class that params are checked against (and turned into) before a hook runs. */
export type ParamsClass<T extends object = object> = new () => T;

/** Options of `@CableChannel`. */
export interface CableChannelOptions {
  /** Replace the built-in channel of this name (`$pubsub`, `Turbo::StreamsChannel`, `CableReady::Stream`). */
  readonly override?: boolean;
  /** Check the subscription params with this class-validator class; invalid params reject the subscription. */
  readonly params?: ParamsClass;
}

/** What `@CableChannel` records on a class. */
export interface CableChannelSpec extends CableChannelOptions {
  /** The `identifier.channel` value the class handles. */
  readonly name: string;
}

/** Options of `@Action`. */
export interface ActionOptions {
  /** The `data.action` value that calls the method; defaults to the method name. */
  readonly name?: string;
  /** Check the action data with this class-validator class; invalid data is ignored (logged at debug). */
  readonly params?: ParamsClass;
}

/** One action of a channel class: the method it calls and how its data is checked. */
export interface ActionSpec {
  readonly method: string;
  readonly params?: ParamsClass;
}

/**
 * The hooks a `@CableChannel` class may define (all optional, as in Action Cable):
 * a class without `subscribed` confirms every subscription and follows no stream.
 */
export interface CableChannelHooks<Params extends object = Record<string, unknown>> {
  /** A client subscribes: follow streams (`ctx.streamFrom`), transmit, or `return ctx.reject(reason)`. */
  subscribed?(ctx: SubscribeContext, params: Params): MaybePromise<SubscribeOutcome | void>;
  /** The subscription ends (unsubscribe command or closed connection); its streams are already gone. */
  unsubscribed?(ctx: SubscriptionContext): MaybePromise<void>;
}

/** The signature of an `@Action()` method: the context and the client's `data` (with its `action` key, as in Rails). */
export type ActionMethod<Data = any> = (ctx: SubscriptionContext, data: Data) => MaybePromise<PerformOutcome | void>;

/** Nest discovery marker behind `@CableChannel`. */
export const CABLE_CHANNEL = DiscoveryService.createDecorator<CableChannelSpec>();

const ACTIONS = Symbol('cablecar:actions');

/** Declare a provider class as the handler of channel `name`; it is found at boot in every module of the app. */
export function CableChannel(name: string, options: CableChannelOptions = {}): ClassDecorator {
  return CABLE_CHANNEL({ name, ...options });
}

/** Declare a method as an action a client may `perform` (`{"action":"speak",...}`); others are never called by clients. */
export function Action(options: ActionOptions = {}): <Data>(target: object, key: string | symbol, descriptor: { value?: ActionMethod<Data> }) => void {
  return (target, key) => {
    const ctor = target.constructor as { [ACTIONS]?: Map<string, ActionSpec> };
    const own = Object.prototype.hasOwnProperty.call(ctor, ACTIONS) ? ctor[ACTIONS]! : (ctor[ACTIONS] = new Map());
    const method = String(key);
    own.set(options.name ?? method, { method, params: options.params });
  };
}

/** Every action of a channel class, its parents' included (a subclass's action of the same name wins). */
export function actionsOf(channelClass: Function): ReadonlyMap<string, ActionSpec> {
  const chain: Function[] = [];
  for (let c: Function | null = channelClass; c && c !== Function.prototype; c = Object.getPrototypeOf(c) as Function | null) chain.unshift(c);
  const actions = new Map<string, ActionSpec>();
  for (const c of chain) {
    const own = Object.prototype.hasOwnProperty.call(c, ACTIONS) ? (c as { [ACTIONS]?: Map<string, ActionSpec> })[ACTIONS] : undefined;
    for (const [name, spec] of own ?? []) actions.set(name, spec);
  }
  return actions;
}
