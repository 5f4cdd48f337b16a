/**
 * The real client libraries against the real app: `@rails/actioncable` and
 * `@anycable/core`, both given `ws` as their WebSocket implementation.
 */
import WebSocket from 'ws';
import ActionCable from '@rails/actioncable';
import { createCable } from '@anycable/core';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/raw-client.js';

// @rails/actioncable's ConnectionMonitor listens to page visibility; Node has no window.
const g = globalThis as Record<string, unknown>;
g.addEventListener ??= () => undefined;
g.removeEventListener ??= () => undefined;

describe('real Action Cable clients', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public']);
  });
  afterAll(() => app.close());

  it('@rails/actioncable subscribes to a public $pubsub stream and receives an HTTP broadcast', async () => {
    ActionCable.adapters.WebSocket = WebSocket as unknown as typeof globalThis.WebSocket;
    const consumer = ActionCable.createConsumer(app.wsUrl());
    const received: unknown[] = [];
    let connected = false;
    consumer.subscriptions.create(
      { channel: '$pubsub', stream_name: 'rails-client' },
      {
        connected: () => (connected = true),
        received: (data: unknown) => received.push(data),
      },
    );
    try {
      await waitFor(() => connected, 5000, 'subscription confirmed');
      const res = await postBroadcast(app, { stream: 'rails-client', data: JSON.stringify({ text: 'from rails' }) });
      expect(res.status).toBe(201);
      await waitFor(() => received.length > 0, 5000, 'broadcast');
      expect(received).toEqual([{ text: 'from rails' }]);
    } finally {
      consumer.disconnect();
    }
  });

  it('@anycable/core streams a public stream and receives an HTTP broadcast', async () => {
    const cable = createCable(app.wsUrl(), { websocketImplementation: WebSocket, logLevel: 'error' });
    const channel = cable.streamFrom('anycable-client');
    const received: unknown[] = [];
    channel.on('message', (msg: unknown) => received.push(msg));
    try {
      await channel.ensureSubscribed();
      expect(cable.state).toBe('connected');
      const res = await postBroadcast(app, [
        { stream: 'anycable-client', data: JSON.stringify({ n: 1 }) },
        { stream: 'anycable-client', data: JSON.stringify({ n: 2 }) },
      ]);
      expect(res.status).toBe(201);
      await waitFor(() => received.length === 2, 5000, 'two broadcasts');
      expect(received).toEqual([{ n: 1 }, { n: 2 }]);
    } finally {
      cable.disconnect();
    }
  });
});
