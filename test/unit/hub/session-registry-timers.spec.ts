import { jest } from '@jest/globals';
import { SessionRegistry, type RegisteredSession } from '../../../src/hub/session-registry.js';
import type { DisconnectReason } from '../../../src/protocol/disconnect-reasons.js';

/** A registered-session double that records disconnects and control frames. */
function sessionDouble(sid: string, identifiers = '', isOpen = true): RegisteredSession & { disconnects: DisconnectReason[]; controls: string[] } {
  return {
    sid,
    identifiers,
    isOpen,
    disconnects: [],
    controls: [],
    disconnect(reason) {
      this.disconnects.push(reason);
    },
    sendControl(frame) {
      this.controls.push(frame.toString());
    },
    terminate() {},
  };
}

describe('SessionRegistry', () => {
  it('uses an unused X-Request-ID as sid, else a fresh 21-character one', () => {
    const registry = new SessionRegistry();
    expect(registry.allocateSid('req-1')).toBe('req-1');
    registry.add(sessionDouble('req-1'));
    expect(registry.allocateSid('req-1')).toMatch(/^[A-Za-z0-9_-]{21}$/);
    expect(registry.allocateSid('x'.repeat(129))).toHaveLength(21);
    expect(registry.allocateSid(undefined)).toHaveLength(21);
  });

  it('removes a session only when the sid still belongs to it', () => {
    const registry = new SessionRegistry();
    const first = sessionDouble('s');
    const second = sessionDouble('s');
    registry.add(first);
    registry.add(second);
    registry.remove(first);
    expect(registry.all()).toEqual([second]);
    registry.remove(second);
    expect(registry.size).toBe(0);
  });

  it('refuses upgrades once draining', () => {
    const registry = new SessionRegistry();
    expect(registry.accepting).toBe(true);
    registry.startDrain();
    expect(registry.accepting).toBe(false);
  });
});

describe('SessionRegistry identification deadline', () => {
  it('closes with idle_timeout only sessions still identifying past the timeout', () => {
    const registry = new SessionRegistry();
    const old = sessionDouble('old');
    const done = sessionDouble('done');
    const young = sessionDouble('young');
    registry.add(old, 0);
    registry.add(done, 100);
    registry.add(young, 9_000);
    registry.identified(done);
    expect(registry.sweepIdentifying(10_000, 10_000)).toBe(1);
    expect([old.disconnects, done.disconnects, young.disconnects]).toEqual([['idle_timeout'], [], []]);
    expect(registry.sweepIdentifying(10_000, 10_000)).toBe(0);
    expect(registry.sweepIdentifying(19_000, 10_000)).toBe(1);
    expect(young.disconnects).toEqual(['idle_timeout']);
  });

  it('forgets a removed session', () => {
    const registry = new SessionRegistry();
    const gone = sessionDouble('gone');
    registry.add(gone, 0);
    registry.remove(gone);
    expect(registry.sweepIdentifying(60_000, 1000)).toBe(0);
  });

  it('runs one shared timer, and none when the timeout is 0', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const registry = new SessionRegistry();
      const slow = sessionDouble('slow');
      registry.add(slow, 0);
      registry.startIdentifyDeadline(0);
      jest.advanceTimersByTime(60_000);
      expect(slow.disconnects).toEqual([]);
      registry.startIdentifyDeadline(2);
      expect(jest.getTimerCount()).toBe(1);
      jest.advanceTimersByTime(2_500);
      expect(slow.disconnects).toEqual(['idle_timeout']);
      registry.stopIdentifyDeadline();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('pings every session from one timer with one shared frame', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const registry = new SessionRegistry();
      const a = sessionDouble('a');
      const b = sessionDouble('b');
      registry.add(a);
      registry.add(b);
      registry.startPings(3, 's', () => 1_700_000_000_000);
      jest.advanceTimersByTime(3_000);
      expect(a.controls).toEqual(['{"type":"ping","message":1700000000}']);
      expect(b.controls).toEqual(a.controls);
      registry.stopPings();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });
});
