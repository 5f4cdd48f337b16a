/** Building the examples under examples/ the way a user would, and the real Rails client against them. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import ActionCable from '@rails/actioncable';
import { mustRun } from './commands.js';
import { waitFor } from './raw-client.js';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Compile `examples/<name>` with its own tsconfig (it imports the built package entry, so `npm run build` comes first); returns its dist folder. */
export function buildExample(name: string): string {
  mustRun(join(REPO_ROOT, 'node_modules/.bin/tsc'), ['-p', join(REPO_ROOT, 'examples', name, 'tsconfig.json')], { cwd: REPO_ROOT, timeoutMs: 120_000 });
  return join(REPO_ROOT, 'examples', name, 'dist');
}

// @rails/actioncable's ConnectionMonitor listens to page visibility; Node has no window.
const g = globalThis as Record<string, unknown>;
g.addEventListener ??= () => undefined;
g.removeEventListener ??= () => undefined;

/** One `@rails/actioncable` subscription and what it saw. */
export interface RailsSubscription {
  readonly received: unknown[];
  state(): 'pending' | 'connected' | 'rejected';
  perform(action: string, data?: object): void;
}

/** A real `@rails/actioncable` consumer (with `ws` as its WebSocket) and its subscriptions. */
export class RailsConsumer {
  private readonly consumer: ReturnType<typeof ActionCable.createConsumer>;

  constructor(url: string) {
    ActionCable.adapters.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
    this.consumer = ActionCable.createConsumer(url);
  }

  /** Subscribe and wait (bounded) until it is confirmed or rejected. */
  async subscribe(params: object): Promise<RailsSubscription> {
    const received: unknown[] = [];
    let state: 'pending' | 'connected' | 'rejected' = 'pending';
    const subscription = this.consumer.subscriptions.create(params, {
      connected: () => (state = 'connected'),
      rejected: () => (state = 'rejected'),
      received: (data: unknown) => received.push(data),
    });
    await waitFor(() => state !== 'pending', 5000, `subscription to ${JSON.stringify(params)}`);
    return { received, state: () => state, perform: (action, data) => subscription.perform(action, data) };
  }

  disconnect(): void {
    this.consumer.disconnect();
  }
}
