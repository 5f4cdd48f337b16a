/**
 * The broadcast hub: which subscribers listen to which stream under which
 * identifier, and fan-out. Plain TypeScript, no Nest, no per-subscriber events
 * (the shape of anycable hub/hub.go and centrifuge hub.go).
 */
import { broadcastFrameFrom, broadcastFramePrefix, broadcastPayloadJson } from '../protocol/messages.js';

/** Something that can receive broadcast frames: a session. */
export interface Subscriber {
  /** Session id, matched against `meta.exclude_socket`. */
  readonly sid: string;
  /** Queue a ready text frame. Must not throw and must not block. */
  deliver(frame: Buffer): void;
}

/** One publication as it arrives from Rails (`{"stream","data","meta"}`). */
export interface Publication {
  stream: string;
  data: string;
  meta?: PublicationMeta;
}

/** Publication metadata understood by the hub (anycable common/common.go). */
export interface PublicationMeta {
  /** Session id that must not receive this publication. */
  exclude_socket?: string;
  /** Becomes the frame's `type`. */
  broadcast_type?: string;
  /** Not stored in history (no broker yet; accepted for compatibility). */
  transient?: boolean;
}

/**
 * Told when a stream gets its first local subscriber (active) or loses its last
 * one (idle), so a pub/sub can subscribe per stream (anycable pubsub/redis.go
 * subscribes to exactly the streams its node's clients watch). Called
 * synchronously once the hub's indexes are consistent; must not throw and must
 * not call back into the hub.
 */
export interface StreamObserver {
  streamActive(stream: string): void;
  streamIdle(stream: string): void;
}

/**
 * The subscribers of one stream under one identifier, with the encoded start of their frames.
 * why a Set subclass: the frame prefix lives where the fan-out loop already is, at no extra object.
 */
class Audience extends Set<Subscriber> {
  /** `{"identifier":...,"message":`, JSON-encoded on the first broadcast, then reused (encode-once fan-out). */
  framePrefix: string | undefined = undefined;
}

/** Stream -> identifier -> subscribers, plus the reverse index per subscriber. */
export class Hub {
  private readonly streams = new Map<string, Map<string, Audience>>();
  private readonly bySubscriber = new Map<Subscriber, Map<string, Set<string>>>();
  // why one optional field: nobody observing costs one property read per transition, nothing per broadcast.
  private observer?: StreamObserver;

  /** Number of streams with at least one subscriber. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Set (or with undefined, clear) the one observer of stream activity. */
  observe(observer: StreamObserver | undefined): void {
    this.observer = observer;
  }

  /** Add `subscriber` to `stream` under `identifier`; idempotent. */
  subscribe(subscriber: Subscriber, stream: string, identifier: string): void {
    let identifiers = this.streams.get(stream);
    const becameActive = identifiers === undefined;
    if (!identifiers) this.streams.set(stream, (identifiers = new Map()));
    let subscribers = identifiers.get(identifier);
    if (!subscribers) identifiers.set(identifier, (subscribers = new Audience()));
    subscribers.add(subscriber);

    let own = this.bySubscriber.get(subscriber);
    if (!own) this.bySubscriber.set(subscriber, (own = new Map()));
    let ownStreams = own.get(identifier);
    if (!ownStreams) own.set(identifier, (ownStreams = new Set()));
    ownStreams.add(stream);
    if (becameActive) this.observer?.streamActive(stream);
  }

  /** Remove `subscriber` from one stream of one identifier. */
  unsubscribe(subscriber: Subscriber, stream: string, identifier: string): void {
    const identifiers = this.streams.get(stream);
    const subscribers = identifiers?.get(identifier);
    let becameIdle = false;
    if (subscribers) {
      subscribers.delete(subscriber);
      if (subscribers.size === 0) identifiers!.delete(identifier);
      if (identifiers!.size === 0) becameIdle = this.streams.delete(stream);
    }
    const own = this.bySubscriber.get(subscriber);
    const ownStreams = own?.get(identifier);
    if (ownStreams) {
      ownStreams.delete(stream);
      if (ownStreams.size === 0) own!.delete(identifier);
      if (own!.size === 0) this.bySubscriber.delete(subscriber);
    }
    if (becameIdle) this.observer?.streamIdle(stream);
  }

  /** Remove `subscriber` from every stream of `identifier` (unsubscribe command). */
  unsubscribeIdentifier(subscriber: Subscriber, identifier: string): void {
    const streams = this.bySubscriber.get(subscriber)?.get(identifier);
    if (!streams) return;
    for (const stream of [...streams]) this.unsubscribe(subscriber, stream, identifier);
  }

  /** Remove `subscriber` everywhere (connection closed). */
  removeSubscriber(subscriber: Subscriber): void {
    const own = this.bySubscriber.get(subscriber);
    if (!own) return;
    for (const [identifier, streams] of [...own]) {
      for (const stream of [...streams]) this.unsubscribe(subscriber, stream, identifier);
    }
  }

  /**
   * How many identifiers other than `identifier` connect `subscriber` to `stream`
   * (`max_identifiers_per_stream`). Walks the subscriber's own index, so its cost is
   * bounded by that subscriber's subscriptions, whatever others do.
   */
  identifierCountOn(subscriber: Subscriber, stream: string, identifier: string): number {
    const own = this.bySubscriber.get(subscriber);
    if (!own) return 0;
    let count = 0;
    for (const [other, streams] of own) if (other !== identifier && streams.has(stream)) count++;
    return count;
  }

  /**
   * How many identifiers `subscriber` holds streams under: an upper bound of {@link identifierCountOn}
   * that costs one lookup, so a limit check can skip the walk while a connection has few subscriptions.
   */
  identifierCount(subscriber: Subscriber): number {
    return this.bySubscriber.get(subscriber)?.size ?? 0;
  }

  /** Streams `subscriber` listens to under `identifier`. */
  streamsOf(subscriber: Subscriber, identifier: string): readonly string[] {
    return [...(this.bySubscriber.get(subscriber)?.get(identifier) ?? [])];
  }

  /**
   * Deliver a publication to every subscriber of its stream. The payload is
   * parsed once and each (stream, identifier) frame is built once; all
   * subscribers get the same Buffer. Synchronous, so per-stream order holds.
   * Returns the number of deliveries.
   */
  broadcast(publication: Publication): number {
    const identifiers = this.streams.get(publication.stream);
    if (!identifiers) return 0;
    const payloadJson = broadcastPayloadJson(publication.data);
    const exclude = publication.meta?.exclude_socket;
    const type = publication.meta?.broadcast_type;
    let delivered = 0;
    // why no snapshot copy: deleting from a Map/Set while iterating it is well defined in JS,
    // so a deliver() that disconnects a slow subscriber cannot break the loop.
    for (const [identifier, subscribers] of identifiers) {
      // why: one Buffer per (stream, identifier), shared by all sockets; the identifier's JSON encoding
      // is kept between broadcasts (it was ~29% of a broadcast to 1,000 single-subscriber streams).
      const prefix = (subscribers.framePrefix ??= broadcastFramePrefix(identifier));
      const frame = Buffer.from(broadcastFrameFrom(prefix, payloadJson, type));
      for (const subscriber of subscribers) {
        if (exclude !== undefined && subscriber.sid === exclude) continue;
        subscriber.deliver(frame);
        delivered++;
      }
    }
    return delivered;
  }
}
