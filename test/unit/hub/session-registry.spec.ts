import type { DisconnectReason } from '../../../src/protocol/disconnect-reasons.js';
import { SessionRegistry, type RegisteredSession } from '../../../src/hub/session-registry.js';

/** A session double that records disconnects; `closed()` mimics the socket's 'close' event. */
class FakeSession implements RegisteredSession {
  isOpen = true;
  readonly disconnects: string[] = [];
  constructor(
    readonly sid: string,
    readonly identifiers: string,
  ) {}
  disconnect(reason: DisconnectReason, reconnect?: boolean): void {
    this.disconnects.push(`${reason}:${reconnect}`);
    this.isOpen = false;
  }
  sendControl(): void {}
  terminate(): void {}
}

function registryWith(...sessions: FakeSession[]): SessionRegistry {
  const registry = new SessionRegistry();
  for (const session of sessions) {
    registry.add(session);
    registry.identified(session);
  }
  return registry;
}

describe('SessionRegistry identifiers index', () => {
  it('disconnects every open session with exactly those identifiers, and no other', () => {
    const tab1 = new FakeSession('1', '{"user":"ann"}');
    const tab2 = new FakeSession('2', '{"user":"ann"}');
    const bob = new FakeSession('3', '{"user":"bob"}');
    const registry = registryWith(tab1, tab2, bob);
    expect(registry.disconnectByIdentifiers('{"user":"ann"}', 'remote', false)).toBe(2);
    expect([tab1.disconnects, tab2.disconnects, bob.disconnects]).toEqual([['remote:false'], ['remote:false'], []]);
    expect(registry.disconnectByIdentifiers('{"user": "ann"}', 'remote', true)).toBe(0);
  });

  it('skips sessions already closing, and forgets removed ones', () => {
    const a = new FakeSession('1', 'u');
    const b = new FakeSession('2', 'u');
    const registry = registryWith(a, b);
    a.isOpen = false;
    expect(registry.disconnectByIdentifiers('u', 'remote', true)).toBe(1);
    registry.remove(a);
    registry.remove(b);
    b.isOpen = true;
    expect(registry.disconnectByIdentifiers('u', 'remote', true)).toBe(0);
    expect(registry.size).toBe(0);
  });

  it('does not index a session before identification, nor one that is no longer registered', () => {
    const registry = new SessionRegistry();
    const pending = new FakeSession('1', 'u');
    registry.add(pending);
    expect(registry.disconnectByIdentifiers('u', 'remote', true)).toBe(0);
    const gone = new FakeSession('2', 'u');
    registry.identified(gone);
    expect(registry.disconnectByIdentifiers('u', 'remote', true)).toBe(0);
    registry.remove(pending);
  });

  it('keeps a lone holder, a growing group and a shrinking one consistent', () => {
    const [a, b, c] = ['1', '2', '3'].map((sid) => new FakeSession(sid, 'u'));
    const registry = registryWith(a);
    registry.identified(a);
    expect(registry.disconnectByIdentifiers('u', 'remote', true)).toBe(1);
    a.isOpen = true;
    registry.add(b);
    registry.identified(b);
    registry.add(c);
    registry.identified(c);
    registry.remove(b);
    expect(registry.disconnectByIdentifiers('u', 'remote', true)).toBe(2);
    registry.remove(a);
    registry.remove(c);
    c.isOpen = true;
    expect(registry.disconnectByIdentifiers('u', 'remote', true)).toBe(0);
    expect(b.disconnects).toEqual([]);
  });

  it('looks up by identifiers instead of visiting every session', () => {
    const registry = new SessionRegistry();
    const others = Array.from({ length: 1000 }, (_, i) => new FakeSession(`s${i}`, `{"user":${i}}`));
    let visited = 0;
    for (const session of others) {
      let open = true;
      Object.defineProperty(session, 'isOpen', { get: () => (visited++, open), set: (value: boolean) => (open = value) });
      registry.add(session);
      registry.identified(session);
    }
    visited = 0; // identified() reads isOpen once per session while indexing
    expect(registry.disconnectByIdentifiers('{"user":7}', 'remote', true)).toBe(1);
    expect(visited).toBe(1);
  });
});
