import { Ingest } from '../../../src/broadcast/ingest.js';
import { LocalPubSub } from '../../../src/broadcast/local.pubsub.js';
import { NodeDelivery } from '../../../src/broadcast/node-delivery.js';
import type { BroadcastItem } from '../../../src/broadcast/publication.js';
import type { Deliver, PubSub } from '../../../src/broadcast/pubsub.js';
import { Hub, type Subscriber } from '../../../src/hub/hub.js';
import { SessionRegistry, type RegisteredSession } from '../../../src/hub/session-registry.js';
import type { EdgeReadiness } from '../../../src/lifecycle/io-edge.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';
import { Counters } from '../../../src/metrics/counters.js';

/** A strict pub/sub double: records what was published and hands it on to the node only when told to. */
class RecordingPubSub implements PubSub {
  readonly published: BroadcastItem[] = [];
  private deliver?: Deliver;
  async start(deliver: Deliver): Promise<void> {
    this.deliver = deliver;
  }
  async stop(): Promise<void> {
    this.deliver = undefined;
  }
  readiness(): EdgeReadiness {
    return { name: 'pubsub:recording', state: this.deliver ? 'up' : 'down' };
  }
  publish(item: BroadcastItem): void {
    this.published.push(item);
  }
  subscribe(): void {}
  unsubscribe(): void {}
  /** What a networked pub/sub does when a message arrives from any node. */
  arrive(): void {
    for (const item of this.published.splice(0)) this.deliver!(item);
  }
}

class Recorder implements Subscriber {
  readonly messages: unknown[] = [];
  constructor(readonly sid: string) {}
  deliver(frame: Buffer): void {
    this.messages.push(JSON.parse(frame.toString()).message);
  }
}

function session(sid: string, identifiers: string): RegisteredSession & { reasons: string[] } {
  const reasons: string[] = [];
  return { sid, identifiers, isOpen: true, reasons, disconnect: (reason, reconnect) => void reasons.push(`${reason}:${reconnect}`), sendControl: () => undefined, terminate: () => undefined };
}

function identified<T extends RegisteredSession>(registry: SessionRegistry, session: T): T {
  registry.add(session);
  registry.identified(session);
  return session;
}

function node() {
  const hub = new Hub();
  const registry = new SessionRegistry();
  const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });
  const counters = new Counters();
  return { hub, registry, counters, delivery: new NodeDelivery(hub, registry, logger, counters) };
}

const publication = (stream: string, data: string): BroadcastItem => ({ kind: 'publication', publication: { stream, data } });

describe('Ingest', () => {
  it('publishes every item, in order, to the pub/sub and never to the hub directly', () => {
    const pubsub = new RecordingPubSub();
    const ingest = new Ingest(pubsub);
    const remote: BroadcastItem = { kind: 'disconnect', identifiers: '{"u":1}', reconnect: true };
    ingest.ingest([publication('a', '1'), remote, publication('b', '2')]);
    ingest.publish({ stream: 'w', data: '3', meta: { exclude_socket: 'sid', transient: true } });
    expect(pubsub.published).toEqual([
      publication('a', '1'),
      remote,
      publication('b', '2'),
      { kind: 'publication', publication: { stream: 'w', data: '3', meta: { exclude_socket: 'sid', transient: true } } },
    ]);
  });

  it('reaches clients only once the pub/sub hands the items to the node delivery', async () => {
    const { hub, registry, delivery } = node();
    const pubsub = new RecordingPubSub();
    await pubsub.start((item) => delivery.deliver(item));
    const client = new Recorder('c');
    hub.subscribe(client, 'a', 'id');
    const target = identified(registry, session('t', '{"u":1}'));
    new Ingest(pubsub).ingest([publication('a', '1'), { kind: 'disconnect', identifiers: '{"u":1}', reconnect: false }, publication('a', '2')]);
    expect(client.messages).toEqual([]);
    expect(target.reasons).toEqual([]);
    pubsub.arrive();
    expect(client.messages).toEqual([1, 2]);
    expect(target.reasons).toEqual(['remote:false']);
  });
});

describe('NodeDelivery', () => {
  it('hands publications to the hub (exclude_socket honoured) and remote disconnects to the registry', () => {
    const { hub, registry, delivery, counters } = node();
    const a = new Recorder('a');
    const b = new Recorder('b');
    hub.subscribe(a, 's', 'id');
    hub.subscribe(b, 's', 'id');
    delivery.deliver({ kind: 'publication', publication: { stream: 's', data: '"hi"', meta: { exclude_socket: 'a' } } });
    expect([a.messages, b.messages]).toEqual([[], ['hi']]);
    expect([counters.broadcasts, counters.deliveries]).toEqual([1, 1]);
    const tabs = [identified(registry, session('1', 'u')), identified(registry, session('2', 'u'))];
    delivery.deliver({ kind: 'disconnect', identifiers: 'u', reconnect: true });
    expect(tabs.map((tab) => tab.reasons)).toEqual([['remote:true'], ['remote:true']]);
  });
});

describe('LocalPubSub', () => {
  it('delivers each publication at once while started, and drops it before start and after stop', async () => {
    const pubsub = new LocalPubSub();
    const delivered: BroadcastItem[] = [];
    pubsub.publish(publication('s', '0'));
    expect(pubsub.readiness()).toEqual({ name: 'pubsub:local', state: 'starting' });
    await pubsub.start((item) => delivered.push(item));
    expect(pubsub.readiness().state).toBe('up');
    pubsub.subscribe('s');
    pubsub.publish(publication('s', '1'));
    pubsub.unsubscribe('s');
    expect(delivered).toEqual([publication('s', '1')]);
    await pubsub.stop();
    await pubsub.stop();
    pubsub.publish(publication('s', '2'));
    expect(delivered).toHaveLength(1);
    expect(pubsub.readiness().state).toBe('down');
  });
});
