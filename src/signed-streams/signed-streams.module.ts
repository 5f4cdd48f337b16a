import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CABLE_CONFIG, CABLE_LOGGER } from '../config/config.tokens.js';
import type { CableConfig } from '../config/cable-config.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { SignedStreamChannels } from './signed-streams.channels.js';
import { SignedStreams } from './signed-streams.service.js';

/**
 * Signed streams: provides `SignedStreams` (the verifiers) and contributes
 * `$pubsub`, `Turbo::StreamsChannel` and `CableReady::Stream` to the routing
 * table through `SignedStreamChannels` (discovered by `ChannelsModule`).
 */
@Module({
  providers: [{ provide: SignedStreams, inject: [CABLE_CONFIG], useFactory: (config: CableConfig) => SignedStreams.fromConfig(config) }, SignedStreamChannels],
  exports: [SignedStreams],
})
export class SignedStreamsModule implements OnModuleInit {
  constructor(
    private readonly streams: SignedStreams,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
  ) {}

  onModuleInit(): void {
    const { settings } = this.streams;
    for (const warning of settings.warnings) this.logger.logAt('warn', warning, undefined, 'SignedStreams');
    const { pubsub } = settings;
    this.logger.logAt('info', 'signed streams', {
      pubsub_signed: pubsub.keySource ?? 'off (no secret)',
      public_streams: pubsub.publicStreams,
      whisper_on_signed: pubsub.whisperOnSigned,
      turbo: settings.turbo.kind === 'enabled' ? settings.turbo.keySource : `off (${settings.turbo.reason})`,
      cable_ready: settings.cableReady.kind === 'enabled' ? settings.cableReady.keySource : `off (${settings.cableReady.reason})`,
    }, 'SignedStreams');
  }
}
