import { jest } from '@jest/globals';
import { keepaliveTicks } from '../../../src/hub/ping-schedule.js';
import { SessionRegistry, type RegisteredSession } from '../../../src/hub/session-registry.js';
import type { DisconnectReason } from '../../../src/protocol/disconnect-reasons.js';

/** A registered-session double that records disconnects and control frames. */
function sessionDouble(sid: string, identifiers = '', isOpen = true, lastHeardTick = 0): RegisteredSession & { disconnects: DisconnectReason[]; controls: string[]; lastHeardTick: number } {
  return {
    sid,
    identifiers,
    isOpen,
    lastHeardTick,
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
      registry.startPings({ intervalSeconds: 3, precision: 's', pongTimeoutMs: 0 }, () => 1_700_000_000_000);
      jest.advanceTimersByTime(3_000);
      expect(a.controls).toEqual(['{"type":"ping","message":1700000000}']);
      expect(b.controls).toEqual(a.controls);
      registry.stopPings();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('pings a connection with its own interval or precision from its bucket only, and drops the bucket with its last connection', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      const registry = new SessionRegistry();
      const plain = sessionDouble('plain');
      const fast = sessionDouble('fast');
      const fastToo = sessionDouble('fast-too');
      const millis = sessionDouble('millis');
      const same = sessionDouble('same');
      for (const session of [plain, fast, fastToo, millis, same]) registry.add(session);
      registry.startPings({ intervalSeconds: 3, precision: 's', pongTimeoutMs: 0 }, () => 1_700_000_000_123);
      registry.customizePings(fast, { intervalSeconds: 1 });
      registry.customizePings(fastToo, { intervalSeconds: 1 });
      registry.customizePings(millis, { precision: 'ms' });
      registry.customizePings(same, { intervalSeconds: 3, precision: 's' });
      // default timer + one bucket for 1 s + one for (3 s, ms); `same` asked for the defaults.
      expect(jest.getTimerCount()).toBe(3);
      jest.advanceTimersByTime(3_000);
      expect(plain.controls).toEqual(['{"type":"ping","message":1700000000}']);
      expect(same.controls).toEqual(plain.controls);
      expect(fast.controls).toHaveLength(3);
      expect(fastToo.controls).toHaveLength(3);
      expect(millis.controls).toEqual(['{"type":"ping","message":1700000000123}']);
      registry.remove(fast);
      expect(jest.getTimerCount()).toBe(3);
      registry.remove(fastToo);
      expect(jest.getTimerCount()).toBe(2);
      registry.stopPings();
      expect(jest.getTimerCount()).toBe(0);
    } finally {
      jest.useRealTimers();
    }
  });

  it('disconnects with no_pong, instead of pinging, an open session silent for pong_timeout; others are pinged', () => {
    jest.useFakeTimers({ now: 0 });
    try {
      let now = 4_000_000_000_000; // after the keepalive clock started (fake timers start Date.now() at 0)
      const start = keepaliveTicks(now);
      const registry = new SessionRegistry();
      const silent = { ...sessionDouble('silent', '', true, start), disconnect(reason: DisconnectReason) {
        this.disconnects.push(reason);
        this.isOpen = false;
      } };
      const chatty = sessionDouble('chatty', '', true, start);
      const untracked = sessionDouble('untracked');
      const identifying = sessionDouble('identifying', '', false, start);
      for (const session of [silent, chatty, untracked, identifying]) registry.add(session);
      registry.startPings({ intervalSeconds: 1, precision: 's', pongTimeoutMs: 2_000 }, () => now);
      for (let second = 1; second <= 3; second++) {
        now += 1_000;
        chatty.lastHeardTick = keepaliveTicks(now - 10);
        jest.advanceTimersByTime(1_000);
      }
      expect(silent.disconnects).toEqual(['no_pong']);
      expect(silent.controls).toHaveLength(1);
      expect(chatty.disconnects).toEqual([]);
      expect(chatty.controls).toHaveLength(3);
      expect(untracked.disconnects).toEqual([]);
      expect(identifying.disconnects).toEqual([]);
      expect(identifying.controls).toEqual([]);
      registry.stopPings();
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('keepaliveTicks', () => {
  it('counts 100 ms ticks as small integers from 1, never 0 (0 means "pongs not required")', () => {
    const now = Date.now();
    const tick = keepaliveTicks(now);
    expect(Number.isInteger(tick) && tick >= 1 && tick < 2 ** 30).toBe(true);
    expect(keepaliveTicks(now + 1_000) - tick).toBe(10);
    expect(keepaliveTicks(0)).toBe(1);
  });
});
