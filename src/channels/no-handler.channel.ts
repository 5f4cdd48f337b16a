import type { Channel, PerformOutcome, SubscribeOutcome } from './channel.js';

/**
 * Fallback used when no RPC backend is configured: subscriptions to channels
 * nobody handles are rejected explicitly, and `message` commands are ignored.
 */
export class NoHandlerChannel implements Channel {
  readonly name = '*';

  subscribe(): SubscribeOutcome {
    return { kind: 'rejected', reason: 'no handler for this channel (RPC fallback disabled)' };
  }

  perform(): PerformOutcome {
    return { kind: 'ignored', reason: 'no handler for this channel (RPC fallback disabled)' };
  }
}
