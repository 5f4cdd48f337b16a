/**
 * Declarative channel registrations: a provider marked `@ContributesChannels()`
 * returns the channels it handles; `ChannelsModule` discovers every such
 * provider once at boot and builds the frozen routing table from them. A
 * `@CableChannel('ChatChannel')` extension API is a thin layer on top (a
 * contributor that turns decorated classes into registrations).
 */
import { DiscoveryService } from '@nestjs/core';
import type { Channel, PerformingChannel } from './channel.js';

/** Channel names cablecar handles itself; another registration takes one only with `override: true`. */
export const BUILT_IN_CHANNELS: readonly string[] = ['$pubsub', 'Turbo::StreamsChannel', 'CableReady::Stream'];

interface RegistrationBase {
  /** `identifier.channel` value this registration handles. */
  readonly name: string;
  /** Replace the built-in channel of this name (needed for every name in `BUILT_IN_CHANNELS`). */
  readonly override?: boolean;
  /** Set only by cablecar's own modules: the registration an `override` replaces. */
  readonly builtIn?: boolean;
}

/**
 * One channel name and its handler. `messages` says where `message` commands
 * go: to the channel's own `perform`, or to the fallback (RPC), as anycable does
 * for `$pubsub`, Turbo and CableReady (router/router.go).
 */
export type ChannelRegistration =
  | (RegistrationBase & { readonly channel: PerformingChannel; readonly messages: 'channel' })
  | (RegistrationBase & { readonly channel: Channel; readonly messages: 'fallback' });

/** A provider that contributes channels; conditional ones return `[]` when their feature is off. */
export interface ChannelContributor {
  channelRegistrations(): readonly ChannelRegistration[];
}

/** Nest discovery marker behind `@ContributesChannels()`. */
export const CHANNEL_CONTRIBUTOR = DiscoveryService.createDecorator<void>();

/** Mark a provider class as a `ChannelContributor`, found at boot by `ChannelsModule`. */
export function ContributesChannels(): (target: abstract new (...args: never[]) => ChannelContributor) => void {
  const mark = CHANNEL_CONTRIBUTOR();
  return (target) => mark(target);
}
