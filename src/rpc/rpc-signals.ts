/**
 * Small cancellation helpers for the RPC layer. Written by hand rather than
 * with `AbortSignal.any` so that every listener a call adds to a long-lived
 * signal (the client's stop signal) is removed when the call ends.
 */

/** A signal that fires when any source fires (or its controller is aborted), and a `dispose` that detaches it from the sources. */
export interface LinkedSignal {
  signal: AbortSignal;
  /** Aborting it fires `signal` too (the owner's own reason to cancel, e.g. a client stopping). */
  controller: AbortController;
  dispose: () => void;
}

/** Link `sources` (undefined entries are skipped) into one signal. */
export function linkSignals(...sources: (AbortSignal | undefined)[]): LinkedSignal {
  const controller = new AbortController();
  const present = sources.filter((s): s is AbortSignal => s !== undefined);
  const already = present.find((s) => s.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, controller, dispose: () => undefined };
  }
  const listeners = present.map((source) => {
    const listener = () => controller.abort(source.reason);
    source.addEventListener('abort', listener, { once: true });
    return () => source.removeEventListener('abort', listener);
  });
  return { signal: controller.signal, controller, dispose: () => listeners.forEach((remove) => remove()) };
}

/** Wait `ms`; resolves `false` early (and clears the timer) if `signal` fires. */
export function sleepUnlessAborted(ms: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
