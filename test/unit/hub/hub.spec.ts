import { Hub, type Subscriber } from '../../../src/hub/hub.js';

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
