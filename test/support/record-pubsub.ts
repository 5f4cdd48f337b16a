/** Observe the pub/sub a running app wired, without replacing it. */
import type { PubSub } from '../../src/broadcast/pubsub.js';

/** Record `publish`/`subscribe`/`unsubscribe` calls on the instance (as `method:argument`), still passing each through. */
export function recordCalls(pubsub: PubSub): string[] {
  const calls: string[] = [];
  for (const method of ['publish', 'subscribe', 'unsubscribe'] as const) {
    const original = pubsub[method].bind(pubsub) as (arg: unknown) => void;
    (pubsub as unknown as Record<string, (arg: unknown) => void>)[method] = (arg) => {
      calls.push(`${method}:${typeof arg === 'string' ? arg : JSON.stringify(arg)}`);
      original(arg);
    };
  }
  return calls;
}
