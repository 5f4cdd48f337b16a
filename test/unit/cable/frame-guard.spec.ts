import { FrameGuard, maxFragmentsFor } from '../../../src/cable/frame-guard.js';
import { clientFrame } from '../../support/raw-socket.js';

/** Feed `bytes` one byte at a time (headers split across chunks). */
const byteByByte = (guard: FrameGuard, bytes: Buffer) => [...bytes].every((b) => guard.push(Buffer.from([b])));

describe('FrameGuard', () => {
  it('passes whole messages of every length encoding, in one chunk or byte by byte', () => {
    const frames = Buffer.concat([clientFrame('x'), clientFrame('y'.repeat(300)), clientFrame('z'.repeat(70_000))]);
    const whole = new FrameGuard(4);
    expect(whole.push(frames)).toBe(true);
    expect(whole.inFragmentedMessage).toBe(false);
    const split = new FrameGuard(4);
    expect(byteByByte(split, frames)).toBe(true);
    expect(split.inFragmentedMessage).toBe(false);
  });

  it('tracks a fragmented message until its final fragment, ignoring interleaved control frames', () => {
    const guard = new FrameGuard(4);
    expect(guard.push(clientFrame('a', 1, false))).toBe(true);
    expect(guard.inFragmentedMessage).toBe(true);
    expect(guard.push(Buffer.concat([clientFrame('', 9), clientFrame('b', 0, false)]))).toBe(true);
    expect(guard.inFragmentedMessage).toBe(true);
    expect(guard.push(clientFrame('c', 0, true))).toBe(true);
    expect(guard.inFragmentedMessage).toBe(false);
  });

  it('fails once a message has more fragments than allowed, even byte by byte', () => {
    const fragments = Buffer.concat([clientFrame('a', 1, false), ...Array.from({ length: 4 }, () => clientFrame('b', 0, false))]);
    expect(new FrameGuard(4).push(fragments)).toBe(false);
    expect(byteByByte(new FrameGuard(4), fragments)).toBe(false);
    expect(new FrameGuard(5).push(fragments)).toBe(true);
  });

  it('allows at least 16 fragments and about one per KiB of max_message_size', () => {
    expect(maxFragmentsFor(64)).toBe(16);
    expect(maxFragmentsFor(65536)).toBe(64);
  });
});
