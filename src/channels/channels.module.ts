import { Global, Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CABLE_CONFIG } from '../config/config.tokens.js';
import type { CableConfig } from '../config/cable-config.js';
import { ChannelRouter } from './channel-router.js';
import { PubsubChannel } from './pubsub.channel.js';
import { NO_SIGNED_STREAMS } from './stream-verifier.js';

/**
 * Channel routing. Registers `$pubsub` for public streams; the signed-streams
 * module re-registers it with a real verifier, the RPC module sets the fallback.
 */
@Global()
@Module({ providers: [ChannelRouter], exports: [ChannelRouter] })
export class ChannelsModule implements OnModuleInit {
  constructor(
    @Inject(CABLE_CONFIG) private readonly config: CableConfig,
    private readonly router: ChannelRouter,
  ) {}

  onModuleInit(): void {
    this.router.register(new PubsubChannel({ publicStreams: this.config.publicStreams, whisperOnSigned: false, verifier: NO_SIGNED_STREAMS, router: this.router }));
  }
}
