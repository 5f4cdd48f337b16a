import { Injectable } from '@nestjs/common';
import type { ChannelRegistration, ChannelContributor } from '../channels/channel-registration.js';
import { ContributesChannels } from '../channels/channel-registration.js';
import { PUBSUB_CHANNEL, PubsubChannel } from '../channels/pubsub.channel.js';
import { CABLE_READY_CHANNEL, CABLE_READY_PARAM, SIGNED_STREAM_NAME_PARAM, SignedStreamChannel, TURBO_STREAMS_CHANNEL } from './signed-stream.channel.js';
import { SignedStreams } from './signed-streams.service.js';

/**
 * cablecar's built-in channels: `$pubsub` always (public streams only, or also
 * signed names when a streams secret is set), `Turbo::StreamsChannel` and
 * `CableReady::Stream` only when enabled with a key (anycable cli/cli.go
 * `defaultRouter`). Their `message` commands go to the fallback, as in anycable.
 */
@Injectable()
@ContributesChannels()
export class SignedStreamChannels implements ChannelContributor {
  constructor(private readonly streams: SignedStreams) {}

  channelRegistrations(): readonly ChannelRegistration[] {
    const { settings } = this.streams;
    const { pubsub } = settings;
    const registrations: ChannelRegistration[] = [
      {
        name: PUBSUB_CHANNEL,
        builtIn: true,
        messages: 'fallback',
        channel: new PubsubChannel({ publicStreams: pubsub.publicStreams, whisperOnSigned: pubsub.whisperOnSigned, verifier: this.streams.verifier('pubsub') }),
      },
    ];
    const signed: Array<[string, string, 'turbo' | 'cableReady']> = [
      [TURBO_STREAMS_CHANNEL, SIGNED_STREAM_NAME_PARAM, 'turbo'],
      [CABLE_READY_CHANNEL, CABLE_READY_PARAM, 'cableReady'],
    ];
    for (const [name, param, kind] of signed) {
      const setting = settings[kind];
      if (setting.kind === 'enabled') registrations.push({ name, builtIn: true, messages: 'fallback', channel: new SignedStreamChannel({ param, verifier: setting.verifier }) });
    }
    return registrations;
  }
}
