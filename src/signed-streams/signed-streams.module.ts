import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CABLE_LOGGER } from '../config/config.tokens.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { SignedStreamChannels } from './signed-streams.channels.js';
import type { SignedStreamsSettings } from './signed-streams-settings.js';
import { SignedStreams } from './signed-streams.service.js';
import { STREAMS_SETTINGS } from './signed-streams.tokens.js';

/**
 * Signed streams: provides `SignedStreams` (the verifiers) and contributes
 * `$pubsub`, `Turbo::StreamsChannel` and `CableReady::Stream` to the routing
 * table through `SignedStreamChannels` (discovered by `ChannelsModule`). Reads the
 * `streams` slice (`STREAMS_SETTINGS`) only; its deprecation warnings and
 * misconfigurations were reported by the loader at start-up.
 */
@Module({
  providers: [{ provide: SignedStreams, inject: [STREAMS_SETTINGS], useFactory: (settings: SignedStreamsSettings) => new SignedStreams(settings) }, SignedStreamChannels],
  exports: [SignedStreams],
})
export class SignedStreamsModule implements OnModuleInit {
  constructor(
    private readonly streams: SignedStreams,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
  ) {}

  onModuleInit(): void {
    const { settings } = this.streams;
    const { pubsub } = settings;
    this.logger.logAt('debug', 'signed streams', {
      pubsub_signed: pubsub.keySource ?? 'off (no secret)',
      public_streams: pubsub.publicStreams,
      whisper_on_signed: pubsub.whisperOnSigned,
      turbo: settings.turbo.kind === 'enabled' ? settings.turbo.keySource : `off (${settings.turbo.reason})`,
      cable_ready: settings.cableReady.kind === 'enabled' ? settings.cableReady.keySource : `off (${settings.cableReady.reason})`,
    }, 'SignedStreams');
  }
}
