import { Injectable } from '@nestjs/common';
import type { Channel } from './channel.js';
import { NoHandlerChannel } from './no-handler.channel.js';

/**
 * Maps `identifier.channel` to a handler. Feature modules register their
 * channels at init; the RPC module replaces the fallback. Lookup is one Map get.
 */
@Injectable()
export class ChannelRouter {
  private readonly channels = new Map<string, Channel>();
  private fallbackChannel: Channel = new NoHandlerChannel();

  /** Handle `channel.name` locally (replaces an earlier registration of that name). */
  register(channel: Channel): void {
    this.channels.set(channel.name, channel);
  }

  /** Use `channel` for every name without a local handler. */
  setFallback(channel: Channel): void {
    this.fallbackChannel = channel;
  }

  /** The fallback handler. */
  get fallback(): Channel {
    return this.fallbackChannel;
  }

  /** The handler for a channel name. */
  route(name: string): Channel {
    return this.channels.get(name) ?? this.fallbackChannel;
  }

  /** Locally handled channel names. */
  localChannels(): string[] {
    return [...this.channels.keys()];
  }
}
