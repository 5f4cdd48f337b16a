import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import { CABLE_LOGGER } from '../config/config.tokens.js';
import { ChannelRouter } from '../channels/channel-router.js';
import { ChannelsModule } from '../channels/channels.module.js';
import type { CableLogger } from '../logging/cable-logger.js';
import { PubsubChannel } from '../channels/pubsub.channel.js';
import { CABLE_READY_CHANNEL, CABLE_READY_PARAM, SIGNED_STREAM_NAME_PARAM, SignedStreamChannel, TURBO_STREAMS_CHANNEL } from './signed-stream.channel.js';
import type { SignedStreamsSettings } from './signed-streams-settings.js';
import { SignedStreams } from './signed-streams.service.js';
import { STREAMS_SETTINGS } from './signed-streams.tokens.js';

/**
 * Signed streams: provides `SignedStreams` and, at init, registers `$pubsub`
 * (public and signed stream names) and, when enabled with a key,
 * `Turbo::StreamsChannel` and `CableReady::Stream` into the router. Reads the
 * `streams` slice (`STREAMS_SETTINGS`) only; its deprecation warnings and
 * misconfigurations were reported by the loader at start-up.
 */
@Module({
  imports: [ChannelsModule],
  providers: [{ provide: SignedStreams, inject: [STREAMS_SETTINGS], useFactory: (settings: SignedStreamsSettings) => new SignedStreams(settings) }],
  exports: [SignedStreams],
})
export class SignedStreamsModule implements OnModuleInit {
  constructor(
    private readonly streams: SignedStreams,
    private readonly router: ChannelRouter,
    @Inject(CABLE_LOGGER) private readonly logger: CableLogger,
  ) {}

  onModuleInit(): void {
    const { settings } = this.streams;
    const { pubsub } = settings;
    this.router.register(
      new PubsubChannel({ publicStreams: pubsub.publicStreams, whisperOnSigned: pubsub.whisperOnSigned, verifier: this.streams.verifier('pubsub'), router: this.router }),
    );
    const local: Array<[string, string, 'turbo' | 'cableReady']> = [
      [TURBO_STREAMS_CHANNEL, SIGNED_STREAM_NAME_PARAM, 'turbo'],
      [CABLE_READY_CHANNEL, CABLE_READY_PARAM, 'cableReady'],
    ];
    for (const [name, param, kind] of local) {
      const setting = settings[kind];
      if (setting.kind !== 'enabled') continue;
      this.router.register(new SignedStreamChannel({ name, param, verifier: setting.verifier, router: this.router }));
    }
    this.logger.logAt('info', 'signed streams', {
      pubsub_signed: pubsub.keySource ?? 'off (no secret)',
      public_streams: pubsub.publicStreams,
      whisper_on_signed: pubsub.whisperOnSigned,
      turbo: settings.turbo.kind === 'enabled' ? settings.turbo.keySource : `off (${settings.turbo.reason})`,
      cable_ready: settings.cableReady.kind === 'enabled' ? settings.cableReady.keySource : `off (${settings.cableReady.reason})`,
    }, 'SignedStreams');
  }
}
