/**
 * The routing table: channel name -> route, resolved once at boot from the
 * registrations and frozen. A lookup is one Map get; names nobody registered
 * go to the fallback. Plain TypeScript, built with `new` (tests do the same).
 */
import { CableError } from '../errors.js';
import type { ChannelContext, CommandHandlers, MaybePromise, UnsubscribeOutcome } from './channel.js';
import type { ChannelFallback } from './channel-fallback.js';
import { BUILT_IN_CHANNELS, type ChannelRegistration } from './channel-registration.js';

/** Where the commands of one channel name go; one frozen object per name, shared by every subscription. */
export interface Route extends CommandHandlers {
  /** Channel name, or `*` for the fallback route. */
  readonly channel: string;
  /** Handled in this process; false for the fallback route. */
  readonly local: boolean;
}

/** Name of the fallback route (what `Route.channel` says for it). */
export const FALLBACK_ROUTE = '*';

const UNSUBSCRIBED: UnsubscribeOutcome = Object.freeze({ kind: 'unsubscribed' });

/**
 * Pick the registration that handles each name. At most one registration per
 * name besides cablecar's own built-in; the built-in gives way to one that says
 * `override: true`, and built-in names need that flag even when the built-in is off.
 */
function resolveRegistrations(registrations: readonly ChannelRegistration[]): Map<string, ChannelRegistration> {
  const chosen = new Map<string, ChannelRegistration>();
  const problems: string[] = [];
  const byName = new Map<string, ChannelRegistration[]>();
  for (const registration of registrations) byName.set(registration.name, [...(byName.get(registration.name) ?? []), registration]);
  for (const [name, candidates] of byName) {
    const builtIns = candidates.filter((r) => r.builtIn);
    const others = candidates.filter((r) => !r.builtIn);
    if (builtIns.length > 1 || others.length > 1) {
      problems.push(`"${name}" is registered ${candidates.length} times`);
    } else if (others.length === 1 && BUILT_IN_CHANNELS.includes(name) && !others[0].override) {
      problems.push(`"${name}" is a built-in channel; register it with override: true to replace it`);
    } else {
      chosen.set(name, others[0] ?? builtIns[0]);
    }
  }
  if (problems.length > 0) throw new CableError('CABLE_ERR_CHANNEL_DUPLICATE', problems.join('; '));
  return chosen;
}

function localRoute(registration: ChannelRegistration, fallback: ChannelFallback): Route {
  const channel = registration.channel;
  return Object.freeze({
    channel: registration.name,
    local: true,
    subscribe: channel.subscribe.bind(channel),
    unsubscribe: channel.unsubscribe ? channel.unsubscribe.bind(channel) : () => UNSUBSCRIBED,
    perform: registration.messages === 'channel' ? registration.channel.perform.bind(registration.channel) : fallback.perform.bind(fallback),
  });
}

/** See file comment. */
export class ChannelRouter {
  private readonly routes: ReadonlyMap<string, Route>;
  private readonly fallbackRoute: Route;

  /** Throws `CABLE_ERR_CHANNEL_DUPLICATE` when two registrations claim one name. */
  constructor(
    registrations: readonly ChannelRegistration[],
    private readonly fallback: ChannelFallback,
  ) {
    const routes = new Map<string, Route>();
    for (const [name, registration] of resolveRegistrations(registrations)) routes.set(name, localRoute(registration, fallback));
    this.routes = routes;
    this.fallbackRoute = Object.freeze({
      channel: FALLBACK_ROUTE,
      local: false,
      subscribe: fallback.subscribe.bind(fallback),
      unsubscribe: fallback.unsubscribe.bind(fallback),
      perform: fallback.perform.bind(fallback),
    });
  }

  /** The route for a channel name: its registration's, else the fallback's. */
  route(name: string): Route {
    return this.routes.get(name) ?? this.fallbackRoute;
  }

  /** Locally handled channel names (boot log). */
  localChannels(): string[] {
    return [...this.routes.keys()];
  }

  /** Name of the fallback implementation (boot log). */
  get fallbackName(): string {
    return this.fallback.name;
  }

  /**
   * The connection-level close seam: each local subscription gets its channel's
   * `unsubscribe`, and the fallback gets one `disconnect` with every identifier.
   * Resolves with the failures (for the log); never rejects.
   */
  async disconnect(ctx: ChannelContext, subscriptions: ReadonlyMap<string, { readonly route: Route }>): Promise<string[]> {
    const calls: Promise<string | undefined>[] = [];
    for (const [identifier, { route }] of subscriptions) {
      if (route.local) calls.push(settle(() => route.unsubscribe(ctx, identifier), identifier));
    }
    calls.push(settle(() => this.fallback.disconnect(ctx, [...subscriptions.keys()]), 'fallback disconnect'));
    return (await Promise.all(calls)).filter((failure): failure is string => failure !== undefined);
  }
}

/** Run one close hook; its failure (throw, rejection or `error` outcome) becomes a message, never an exception. */
async function settle(call: () => MaybePromise<UnsubscribeOutcome | void>, label: string): Promise<string | undefined> {
  try {
    const outcome = await call();
    return outcome && outcome.kind === 'error' ? `${label}: ${outcome.reason}` : undefined;
  } catch (error) {
    return `${label}: ${(error as Error).message}`;
  }
}
