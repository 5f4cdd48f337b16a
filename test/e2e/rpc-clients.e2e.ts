/**
 * The real client libraries against cablecar with Rails behind RPC (gRPC and
 * HTTP): `@rails/actioncable` and `@anycable/core`, logged in by cookie,
 * subscribe to an ordinary Rails channel, get what `subscribed` transmits and
 * the confirmation, perform an action and receive a broadcast.
 */
import WebSocket from 'ws';
import ActionCable from '@rails/actioncable';
import { createCable } from '@anycable/core';
import type { TestApp } from '../support/app.js';
import { waitFor } from '../support/raw-client.js';
import { broadcast, RPC_TRANSPORTS, startRpcApp, type RailsServer } from '../support/rpc-e2e.js';

// @rails/actioncable's ConnectionMonitor listens to page visibility; Node has no window.
const g = globalThis as Record<string, unknown>;
g.addEventListener ??= () => undefined;
g.removeEventListener ??= () => undefined;

/** `ws` sending the cookie a browser would send to the Rails app's domain. */
function withCookie(cookie: string): typeof WebSocket {
  class CookieWebSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers: { Cookie: cookie } });
    }
  }
  return CookieWebSocket as unknown as typeof WebSocket;
}

describe.each(RPC_TRANSPORTS)('real clients with Rails over %s RPC', (_transport, startRails) => {
  let rails: RailsServer;
  let app: TestApp;
  beforeAll(async () => {
    rails = await startRails();
    app = await startRpcApp(rails);
  });
  afterAll(async () => {
    await app.close();
    await rails.stop();
  });

  it('@rails/actioncable: cookie login, ChatChannel subscribed (its transmit first), perform, broadcast', async () => {
    ActionCable.adapters.WebSocket = withCookie('user=ann') as unknown as typeof globalThis.WebSocket;
    const consumer = ActionCable.createConsumer(app.wsUrl());
    const received: unknown[] = [];
    let connected = false;
    const subscription = consumer.subscriptions.create(
      { channel: 'ChatChannel', room: 'rails-js' },
      { connected: () => (connected = true), received: (data: unknown) => received.push(data) },
    ) as unknown as { perform(action: string, data: object): void };
    try {
      await waitFor(() => connected, 5000, '@rails/actioncable connected');
      expect(received).toEqual([{ type: 'joined', room: 'rails-js' }]);
      subscription.perform('speak', { text: 'hi from rails js' });
      await waitFor(() => received.length === 2, 5000, 'the speak transmission');
      expect(received[1]).toEqual({ text: 'hi from rails js', from: 'ann' });
      await broadcast(app, 'chat_rails-js', JSON.stringify({ text: 'from a job' }));
      await waitFor(() => received.length === 3, 5000, 'the broadcast');
      expect(received[2]).toEqual({ text: 'from a job' });
    } finally {
      consumer.disconnect();
    }
  });

  it('@anycable/core: cookie login, ChatChannel subscribed, perform, broadcast; no cookie is unauthorized', async () => {
    const cable = createCable(app.wsUrl(), { websocketImplementation: withCookie('user=bob'), logLevel: 'error', monitor: false });
    const channel = cable.subscribeTo('ChatChannel', { room: 'anycable-js' });
    const received: unknown[] = [];
    channel.on('message', (message: unknown) => received.push(message));
    try {
      await channel.ensureSubscribed();
      await channel.perform('speak', { text: 'hi from anycable js' });
      await waitFor(() => received.length === 2, 5000, 'the speak transmission');
      await broadcast(app, 'chat_anycable-js', JSON.stringify({ text: 'from a job' }));
      await waitFor(() => received.length === 3, 5000, 'three messages');
      expect(received).toEqual([{ type: 'joined', room: 'anycable-js' }, { text: 'hi from anycable js', from: 'bob' }, { text: 'from a job' }]);
    } finally {
      cable.disconnect();
    }
    const anonymous = createCable(app.wsUrl(), { websocketImplementation: WebSocket, logLevel: 'error', monitor: false });
    const reasons: string[] = [];
    anonymous.on('close', (event?: { reason?: string }) => reasons.push(event?.reason ?? ''));
    await anonymous.connect().catch(() => undefined);
    await waitFor(() => reasons.length > 0, 5000, 'the unauthorized close');
    expect(reasons[0]).toBe('unauthorized');
    anonymous.disconnect();
  });
});
