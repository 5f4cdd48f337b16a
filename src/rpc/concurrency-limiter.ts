/**
 * A FIFO semaphore for RPC calls: at most `capacity` in flight, the rest wait
 * in arrival order (anycable rpc/barrier.go `FixedSizeBarrier`; its default
 * 28 stays just under the Ruby gRPC pool of 30, so Rails never answers
 * RESOURCE_EXHAUSTED under normal load). A waiting call whose signal fires
 * leaves the queue at once.
 */

/** The result of asking for a slot. */
export type SlotOutcome = { kind: 'acquired'; release: () => void } | { kind: 'aborted' };

interface Waiter {
  grant: () => void;
  abort: () => void;
}

/** See file comment. */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private peak = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`concurrency must be a positive integer, got ${capacity}`);
  }

  /** Calls holding a slot. */
  get inFlight(): number {
    return this.active;
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.queue.length;
  }

  /** The highest `inFlight` seen since creation (for tests and metrics). */
  get maxInFlight(): number {
    return this.peak;
  }

  /** Take a slot, waiting in line if none is free; `aborted` if `signal` fires first. */
  acquire(signal?: AbortSignal): Promise<SlotOutcome> {
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    if (this.active < this.capacity && this.queue.length === 0) {
      this.take();
      return Promise.resolve({ kind: 'acquired', release: this.releaser() });
    }
    return new Promise((resolve) => {
      const onAbort = () => waiter.abort();
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve({ kind: 'acquired', release: this.releaser() });
        },
        abort: () => {
          const index = this.queue.indexOf(waiter);
          if (index !== -1) this.queue.splice(index, 1);
          resolve({ kind: 'aborted' });
        },
      };
      this.queue.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private take(): void {
    this.active++;
    if (this.active > this.peak) this.peak = this.active;
  }

  /** A release function that works once, so a double release cannot inflate capacity. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      // why hand over directly: the slot never looks free, so a newcomer cannot jump the queue.
      if (next) next.grant();
      else this.active--;
    };
  }
}
