import { Hub, type StreamObserver, type Subscriber } from '../../../src/hub/hub.js';

class Recorder implements Subscriber {
  readonly frames: Buffer[] = [];
  constructor(readonly sid: string) {}
  deliver(frame: Buffer): void {
    this.frames.push(frame);
  }
  texts(): unknown[] {
    return this.frames.map((f) => JSON.parse(f.toString()));
  }
}

describe('Hub', () => {
  it('delivers to every subscriber of a stream under its own identifier', () => {
    const hub = new Hub();
    const a = new Recorder('a');
    const b = new Recorder('b');
    hub.subscribe(a, 'chat', 'id1');
    hub.subscribe(b, 'chat', 'id2');
    expect(hub.broadcast({ stream: 'chat', data: '{"x":1}' })).toBe(2);
    expect(a.texts()).toEqual([{ identifier: 'id1', message: { x: 1 } }]);
    expect(b.texts()).toEqual([{ identifier: 'id2', message: { x: 1 } }]);
    expect(hub.broadcast({ stream: 'other', data: '1' })).toBe(0);
  });

  it('encodes once per (stream, identifier): subscribers share the same Buffer', () => {
    const hub = new Hub();
    const a = new Recorder('a');
    const b = new Recorder('b');
    hub.subscribe(a, 'chat', 'id');
    hub.subscribe(b, 'chat', 'id');
    hub.broadcast({ stream: 'chat', data: '"hi"' });
    expect(a.frames[0]).toBe(b.frames[0]);
  });

  it('keeps each identifier encoded between broadcasts: later payloads and types still produce the exact frame bytes', () => {
    const hub = new Hub();
    const a = new Recorder('a');
    const identifier = '{"channel":"Turbo::StreamsChannel","signed_stream_name":"a\\"b\\u003c"}';
    hub.subscribe(a, 'chat', identifier);
    hub.broadcast({ stream: 'chat', data: '{"x":1}' });
    hub.broadcast({ stream: 'chat', data: 'plain "text"', meta: { broadcast_type: 'presence' } });
    hub.unsubscribe(a, 'chat', identifier);
    hub.subscribe(a, 'chat', identifier);
    hub.broadcast({ stream: 'chat', data: ' [1,2] ' });
    const encoded = JSON.stringify(identifier);
    expect(a.frames.map((f) => f.toString())).toEqual([
      `{"identifier":${encoded},"message":{"x":1}}`,
      `{"identifier":${encoded},"message":"plain \\"text\\"","type":"presence"}`,
      `{"identifier":${encoded},"message":[1,2]}`,
    ]);
  });

  it('counts the identifiers a subscriber holds streams under, an upper bound of those on any one stream', () => {
    const hub = new Hub();
    const a = new Recorder('a');
    expect(hub.identifierCount(a)).toBe(0);
    hub.subscribe(a, 's1', 'id1');
    hub.subscribe(a, 's2', 'id1');
    hub.subscribe(a, 's1', 'id2');
    hub.subscribe(a, 's3', 'id3');
    expect(hub.identifierCount(a)).toBe(3);
    expect(hub.identifierCountOn(a, 's1', 'id3')).toBe(2);
    hub.unsubscribeIdentifier(a, 'id1');
    expect(hub.identifierCount(a)).toBe(2);
    hub.removeSubscriber(a);
    expect(hub.identifierCount(a)).toBe(0);
  });

  it('skips the excluded socket and sets the broadcast type', () => {
    const hub = new Hub();
    const a = new Recorder('a');
    const b = new Recorder('b');
    hub.subscribe(a, 's', 'id');
    hub.subscribe(b, 's', 'id');
    hub.broadcast({ stream: 's', data: '1', meta: { exclude_socket: 'a', broadcast_type: 'whisper' } });
    expect(a.frames).toHaveLength(0);
    expect(b.texts()).toEqual([{ identifier: 'id', message: 1, type: 'whisper' }]);
  });

  it('unsubscribes per identifier and removes a subscriber everywhere, dropping empty streams', () => {
    const hub = new Hub();
    const a = new Recorder('a');
    hub.subscribe(a, 's1', 'id1');
    hub.subscribe(a, 's2', 'id1');
    hub.subscribe(a, 's3', 'id2');
    expect([...hub.streamsOf(a, "id1")].sort()).toEqual(['s1', 's2']);
    hub.unsubscribeIdentifier(a, 'id1');
    expect(hub.broadcast({ stream: 's1', data: '1' })).toBe(0);
    expect(hub.streamCount).toBe(1);
    hub.removeSubscriber(a);
    expect(hub.streamCount).toBe(0);
    expect(hub.broadcast({ stream: 's3', data: '1' })).toBe(0);
  });

  it('keeps order per stream and tolerates a subscriber leaving during fan-out', () => {
    const hub = new Hub();
    const quitter: Subscriber = { sid: 'q', deliver: () => hub.removeSubscriber(quitter) };
    const a = new Recorder('a');
    hub.subscribe(quitter, 's', 'id');
    hub.subscribe(a, 's', 'id');
    for (let i = 0; i < 5; i++) hub.broadcast({ stream: 's', data: String(i) });
    expect(a.texts().map((t) => (t as { message: number }).message)).toEqual([0, 1, 2, 3, 4]);
  });
});

/** Records stream transitions, and checks the hub is consistent when it is told. */
class TransitionLog implements StreamObserver {
  readonly events: string[] = [];
  constructor(private readonly hub: Hub) {}
  streamActive(stream: string): void {
    this.events.push(`active:${stream}:${this.hub.streamCount}`);
  }
  streamIdle(stream: string): void {
    this.events.push(`idle:${stream}:${this.hub.streamCount}`);
  }
}

describe('Hub stream observer', () => {
  function observed() {
    const hub = new Hub();
    const log = new TransitionLog(hub);
    hub.observe(log);
    return { hub, log, events: log.events };
  }

  it('says active on the first local subscriber only, and idle when the last one leaves', () => {
    const { hub, events } = observed();
    const a = new Recorder('a');
    const b = new Recorder('b');
    hub.subscribe(a, 's', 'id1');
    hub.subscribe(a, 's', 'id1');
    hub.subscribe(a, 's', 'id2');
    hub.subscribe(b, 's', 'id1');
    expect(events).toEqual(['active:s:1']);
    hub.unsubscribe(a, 's', 'id1');
    hub.unsubscribe(a, 's', 'id2');
    expect(events).toEqual(['active:s:1']);
    hub.unsubscribe(b, 's', 'id1');
    expect(events).toEqual(['active:s:1', 'idle:s:0']);
    hub.unsubscribe(b, 's', 'id1');
    expect(events).toHaveLength(2);
  });

  it('reports idle streams through unsubscribeIdentifier, leaving streams other identifiers still hold', () => {
    const { hub, events } = observed();
    const a = new Recorder('a');
    hub.subscribe(a, 's1', 'id1');
    hub.subscribe(a, 's2', 'id1');
    hub.subscribe(a, 's2', 'id2');
    hub.unsubscribeIdentifier(a, 'id1');
    expect(events).toEqual(['active:s1:1', 'active:s2:2', 'idle:s1:1']);
  });

  it('reports every stream idle through removeSubscriber, once each', () => {
    const { hub, events } = observed();
    const a = new Recorder('a');
    const b = new Recorder('b');
    hub.subscribe(a, 's1', 'id1');
    hub.subscribe(a, 's2', 'id1');
    hub.subscribe(a, 's3', 'id2');
    hub.subscribe(b, 's3', 'id2');
    events.length = 0;
    hub.removeSubscriber(a);
    expect(events).toEqual(['idle:s1:2', 'idle:s2:1']);
    hub.removeSubscriber(b);
    expect(events).toEqual(['idle:s1:2', 'idle:s2:1', 'idle:s3:0']);
    expect(hub.streamCount).toBe(0);
  });

  it('is told nothing once the observer is cleared, and broadcasts never reach it', () => {
    const { hub, events } = observed();
    const a = new Recorder('a');
    hub.subscribe(a, 's', 'id');
    hub.broadcast({ stream: 's', data: '1' });
    hub.observe(undefined);
    hub.removeSubscriber(a);
    expect(events).toEqual(['active:s:1']);
  });
});
