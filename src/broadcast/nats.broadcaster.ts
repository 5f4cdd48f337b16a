/**
 * The legacy `nats` broadcaster (anycable broadcast/legacy_nats.go): subscribes
 * to the subject `nats_channel` (default `__anycable__`), where anycable-rb's NATS
 * adapter publishes the same JSON as the HTTP body. Fan-out: every node subscribes.
 */
import type { NatsSettings } from '../config/nats.options.js';
import { NatsEdgeConnection } from '../connections/nats.connection.js';
import { EdgeStatus } from '../lifecycle/edge-status.js';
import type { EdgeReadiness } from '../lifecycle/io-edge.js';
import { sinkBody, type Broadcaster, type BroadcasterReporting, type BroadcastSink } from './broadcaster.js';

/** Stable readiness name of the NATS broadcaster. */
export const NATS_BROADCASTER_EDGE = 'broadcaster:nats';

/** See file comment. */
export class NatsBroadcaster implements Broadcaster {
  readonly fanout = true;
  private readonly status: EdgeStatus;
  private readonly connection: NatsEdgeConnection;

  constructor(
    nats: NatsSettings,
    private readonly channel: string,
    private readonly reporting: BroadcasterReporting,
  ) {
    this.status = new EdgeStatus(NATS_BROADCASTER_EDGE, reporting.logger, { subject: channel });
    this.connection = new NatsEdgeConnection(nats, 'cablecar-broadcast-nats', this.status);
  }

  async start(sink: BroadcastSink): Promise<void> {
    this.connection.subscribe(this.channel, (payload) => sinkBody(payload, sink, NATS_BROADCASTER_EDGE, this.reporting));
    await this.connection.start();
  }

  async stop(): Promise<void> {
    await this.connection.stop();
  }

  readiness(): EdgeReadiness {
    return this.status.readiness(`SUB ${this.channel}`);
  }
}
