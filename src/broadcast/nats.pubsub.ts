/**
 * The NATS node-to-node pub/sub (anycable pubsub/nats.go): a publication is
 * published to the subject named like its stream, a remote command to
 * `nats_pubsub_channel`; each node subscribes to the command subject and to the
 * streams its own clients watch. Stream names that are not valid NATS subjects
 * (whitespace, `*`, `>`, empty tokens) travel under `_cablecar.b64.<base64url>`
 * instead. A publish while disconnected is dropped and counted: at-most-once.
 */
import type { NatsSettings } from '../config/nats.options.js';
import { NatsEdgeConnection } from '../connections/nats.connection.js';
import { EdgeStatus } from '../lifecycle/edge-status.js';
import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import type { BroadcasterReporting } from './broadcaster.js';
import { PubSubTraffic } from './pubsub-traffic.js';
import type { BroadcastItem } from './publication.js';
import type { Deliver, PubSub } from './pubsub.js';

/** Stable readiness name of the NATS pub/sub. */
export const NATS_PUBSUB_EDGE = 'pubsub:nats';

/** The subject a stream travels on: its own name when that is a valid subject (anycable's choice), else an encoded one. */
export function natsSubjectFor(stream: string): string {
  const valid = stream.length > 0 && !/[\s*>]/.test(stream) && stream.split('.').every((token) => token.length > 0);
  return valid ? stream : `_cablecar.b64.${Buffer.from(stream).toString('base64url') || '_'}`;
}

/** See file comment. */
export class NatsPubSub implements PubSub {
  private readonly status: EdgeStatus;
  private readonly connection: NatsEdgeConnection;
  private readonly traffic: PubSubTraffic;
  private readonly onMessage = (payload: string) => this.traffic.received(payload);
  private streams = 0;

  constructor(
    nats: NatsSettings,
    private readonly commandChannel: string,
    reporting: BroadcasterReporting,
  ) {
    this.traffic = new PubSubTraffic(NATS_PUBSUB_EDGE, reporting);
    this.status = new EdgeStatus(NATS_PUBSUB_EDGE, reporting.logger);
    this.connection = new NatsEdgeConnection(nats, 'cablecar-pubsub', this.status);
  }

  async start(deliver: Deliver): Promise<void> {
    this.traffic.start(deliver);
    this.connection.subscribe(this.commandChannel, this.onMessage);
    await this.connection.start();
  }

  async stop(): Promise<void> {
    this.traffic.stop();
    await this.connection.stop();
  }

  readiness(): EdgeReadiness {
    return this.status.readiness(`${this.streams} streams; ${this.traffic.describe()}`);
  }

  publish(item: BroadcastItem): void {
    const subject = item.kind === 'publication' ? natsSubjectFor(item.publication.stream) : this.commandChannel;
    if (!this.connection.publish(subject, this.traffic.encode(item))) this.traffic.dropped();
  }

  subscribe(stream: string): void {
    this.streams++;
    this.connection.subscribe(natsSubjectFor(stream), this.onMessage);
  }

  unsubscribe(stream: string): void {
    this.streams--;
    const subject = natsSubjectFor(stream);
    if (subject !== this.commandChannel) this.connection.unsubscribe(subject);
  }
}
