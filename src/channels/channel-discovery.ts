import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { ChannelFallback } from './channel-fallback.js';
import { CHANNEL_CONTRIBUTOR, type ChannelContributor, type ChannelRegistration } from './channel-registration.js';
import { ChannelRouter } from './channel-router.js';
import { CHANNEL_FALLBACK } from './channels.tokens.js';

/**
 * Finds every `@ContributesChannels()` provider once, at module init (when every
 * provider exists), and builds the frozen `ChannelRouter` from their
 * registrations and the injected fallback. A duplicate name stops start-up.
 */
@Injectable()
export class ChannelDiscovery implements OnModuleInit {
  private built?: ChannelRouter;

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(CHANNEL_FALLBACK) private readonly fallback: ChannelFallback,
  ) {}

  onModuleInit(): void {
    this.built = new ChannelRouter(this.registrations(), this.fallback);
  }

  /** The routing table; available from module init on (the gateway takes it at bootstrap). */
  get router(): ChannelRouter {
    if (!this.built) throw new Error('ChannelDiscovery.router is built at module init');
    return this.built;
  }

  private registrations(): ChannelRegistration[] {
    return this.discovery.getProviders({ metadataKey: CHANNEL_CONTRIBUTOR.KEY }).flatMap((wrapper) => {
      const contributor = wrapper.instance as ChannelContributor | undefined;
      // why: a request-scoped or transient provider has no boot-time instance to ask.
      if (!contributor) throw new Error(`channel contributor ${wrapper.name} must be a singleton provider`);
      return contributor.channelRegistrations();
    });
  }
}
