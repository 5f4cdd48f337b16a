/**
 * The `actioncable` broadcaster, beyond anycable-go: for Rails apps that kept the
 * stock Action Cable Redis adapter (`config/cable.yml` `adapter: redis`). Rails
 * PUBLISHes `ActiveSupport::JSON.encode(message)` to `<channel_prefix>:<stream>`
 * (the bare stream without a prefix; rails actioncable/lib/action_cable/subscription_adapter/redis.rb,
 * channel_prefix.rb), so this node SUBSCRIBEs to that name for each stream with a
 * local subscriber, and each message becomes a publication with `data` = the payload.
 * Fan-out: every node listens itself. Rails' remote disconnects
 * (`action_cable/<global ids>` on the internal channel) are not mapped: they name
 * GlobalIDs, which cablecar sessions do not carry.
 */
import type { RedisSettings } from '../config/redis.options.js';
import { RedisChannelsConnection } from '../connections/redis-channels.connection.js';
import type { StreamObserver } from '../hub/hub.js';
import { EdgeStatus } from '../lifecycle/edge-status.js';
import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import type { Broadcaster, BroadcasterReporting, BroadcastSink } from './broadcaster.js';

/** Stable readiness name of the Action Cable broadcaster. */
export const ACTIONCABLE_BROADCASTER_EDGE = 'broadcaster:actioncable';

/** The Redis channel Rails' adapter publishes `stream` to (`channel_with_prefix`). */
export function actionCableChannel(prefix: string, stream: string): string {
  return prefix ? `${prefix}:${stream}` : stream;
}

/** See file comment. */
export class ActionCableBroadcaster implements Broadcaster, StreamObserver {
  readonly fanout = true;
  readonly streams: StreamObserver = this;
  private readonly status: EdgeStatus;
  private readonly connection: RedisChannelsConnection;
  private readonly skip: number;
  private sink?: BroadcastSink;

  constructor(
    redis: RedisSettings,
    private readonly prefix: string,
    reporting: BroadcasterReporting,
  ) {
    this.skip = prefix ? prefix.length + 1 : 0;
    this.status = new EdgeStatus(ACTIONCABLE_BROADCASTER_EDGE, reporting.logger, { channel_prefix: prefix || '(none)' });
    this.connection = new RedisChannelsConnection(redis, 'cablecar-broadcast-actioncable', this.status, (channel, message) => this.received(channel, message));
  }

  async start(sink: BroadcastSink): Promise<void> {
    this.sink = sink;
    await this.connection.start();
  }

  async stop(): Promise<void> {
    this.sink = undefined;
    await this.connection.stop();
  }

  readiness(): EdgeReadiness {
    return this.status.readiness(`${this.connection.size} streams`);
  }

  streamActive(stream: string): void {
    this.connection.add(actionCableChannel(this.prefix, stream));
  }

  streamIdle(stream: string): void {
    this.connection.remove(actionCableChannel(this.prefix, stream));
  }

  private received(channel: string, message: string): void {
    // why no parse: Rails' payload is already the JSON the client gets as `message`, as an HTTP broadcast's `data` is.
    this.sink?.([{ kind: 'publication', publication: { stream: channel.slice(this.skip), data: message } }]);
  }
}
