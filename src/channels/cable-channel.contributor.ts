import { Injectable } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { Ingest } from '../broadcast/ingest.js';
import { actionsOf, CABLE_CHANNEL } from './cable-channel.decorator.js';
import { ContributesChannels, type ChannelContributor, type ChannelRegistration } from './channel-registration.js';
import { DecoratedChannel } from './decorated-channel.js';

/**
 * The contributor behind `@CableChannel`: at boot it finds every provider class
 * so decorated, in any module, and registers each as a channel that handles its
 * own `message` commands. Duplicates and built-in names are judged by the
 * routing table like any other registration.
 */
@Injectable()
@ContributesChannels()
export class CableChannelContributor implements ChannelContributor {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly ingest: Ingest,
  ) {}

  channelRegistrations(): readonly ChannelRegistration[] {
    const publish = (stream: string, data: string) => this.ingest.publish({ stream, data });
    return this.discovery.getProviders({ metadataKey: CABLE_CHANNEL.KEY }).map((wrapper) => {
      const spec = this.discovery.getMetadataByDecorator(CABLE_CHANNEL, wrapper)!;
      // why: a request-scoped or transient provider has no boot-time instance to call.
      if (!wrapper.instance || !wrapper.metatype) throw new Error(`@CableChannel('${spec.name}') ${wrapper.name} must be a singleton class provider`);
      const channel = new DecoratedChannel(spec, wrapper.instance as never, actionsOf(wrapper.metatype), publish);
      return { name: spec.name, override: spec.override, channel, messages: 'channel' as const };
    });
  }
}
