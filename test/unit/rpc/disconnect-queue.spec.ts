import { DisconnectQueue } from '../../../src/rpc/disconnect-queue.js';
import { CapturingLog, within } from '../../support/rpc-test-kit.js';

describe('DisconnectQueue', () => {
  const queues: DisconnectQueue<number>[] = [];
  const make = (rate: number, backlogSize: number, perform: (n: number) => Promise<unknown>, log = new CapturingLog()) => {
    const queue = new DisconnectQueue<number>({ rate, backlogSize }, perform, log);
    queues.push(queue);
    return queue;
  };
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop(100)));
  });

  it('starts calls no faster than disconnect_rate per second, in order', async () => {
    const started: { n: number; at: number }[] = [];
    const queue = make(50, 100, async (n) => void started.push({ n, at: performance.now() }));
    for (let i = 0; i < 6; i++) expect(queue.enqueue(i)).toEqual({ kind: 'queued' });
    expect(started).toHaveLength(1); // the first leaves at once
    await within(
      (async () => {
        while (started.length < 6) await new Promise((r) => setTimeout(r, 5));
      })(),
      3000,
      'six calls',
    );
    expect(started.map((s) => s.n)).toEqual([0, 1, 2, 3, 4, 5]);
    const gaps = started.slice(1).map((s, i) => s.at - started[i].at);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(19); // 1000 / 50 = 20 ms, minus timer rounding
    expect(started[5].at - started[0].at).toBeGreaterThanOrEqual(99);
  });

  it('drops calls beyond disconnect_backlog_size, counts them and warns once per overflow', async () => {
    const log = new CapturingLog();
    const performed: number[] = [];
    const queue = make(1, 3, async (n) => void performed.push(n), log);
    const outcomes = [0, 1, 2, 3, 4, 5].map((n) => queue.enqueue(n));
    // 0 starts at once; 1..3 fill the backlog of 3; 4 and 5 are dropped.
    expect(outcomes.map((o) => o.kind)).toEqual(['queued', 'queued', 'queued', 'queued', 'dropped', 'dropped']);
    expect(outcomes[4]).toEqual({ kind: 'dropped', reason: 'backlog_full' });
    expect([queue.size, queue.dropped, performed]).toEqual([3, 2, [0]]);
    expect(log.find('Disconnect queue full: dropping Disconnect calls', 'warn')).toHaveLength(1);
  });

  it('on stop, starts the whole backlog at once and waits for it within the timeout', async () => {
    const performed: number[] = [];
    const queue = make(1, 100, async (n) => {
      await new Promise((r) => setTimeout(r, 20));
      performed.push(n);
    });
    for (let i = 0; i < 5; i++) queue.enqueue(i);
    const started = Date.now();
    expect(await within(queue.stop(2000), 3000, 'flush')).toEqual({ flushed: 5, unfinished: 0 });
    expect(performed.sort()).toEqual([0, 1, 2, 3, 4]);
    expect(Date.now() - started).toBeLessThan(1000); // at 1/s the backlog alone would take 4 s
    expect(queue.enqueue(9)).toEqual({ kind: 'dropped', reason: 'stopped' });
  });

  it('reports calls that did not finish within the shutdown timeout', async () => {
    const log = new CapturingLog();
    const queue = make(100, 100, (n) => new Promise((r) => setTimeout(r, n === 0 ? 10 : 5000)), log);
    for (let i = 0; i < 3; i++) queue.enqueue(i);
    expect(await within(queue.stop(150), 2000, 'flush')).toEqual({ flushed: 1, unfinished: 2 });
    expect(log.find('Had no time to finish Disconnect calls', 'warn')).toHaveLength(1);
  });

  it('logs a failing call and keeps going', async () => {
    const log = new CapturingLog();
    const performed: number[] = [];
    const queue = make(1000, 10, async (n) => {
      if (n === 0) throw new Error('boom');
      performed.push(n);
    }, log);
    queue.enqueue(0);
    queue.enqueue(1);
    expect(await within(queue.stop(1000), 2000)).toEqual({ flushed: 2, unfinished: 0 });
    expect(performed).toEqual([1]);
    expect(log.find('Disconnect call threw', 'warn')).toHaveLength(1);
  });
});
