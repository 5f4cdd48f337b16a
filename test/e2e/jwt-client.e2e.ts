import { createCable } from '@anycable/core';

type CreateOptions = NonNullable<Parameters<typeof createCable>[0]>;
import WebSocket from 'ws';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { waitFor } from '../support/raw-client.js';
import { fixtures, vector } from '../unit/auth/jwt-fixtures.js';

type Strategy = 'param' | 'header' | 'sub-protocol';

describe('@anycable/core client against JWT identification', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--jwt_secret', fixtures.secret, '--enforce_jwt', '--public_streams', '--broadcast_key', 'bk']);
  });
  afterAll(() => app.close());

  it.each<Strategy>(['param', 'header', 'sub-protocol'])(
    'refreshes an expired token (%s strategy), reconnects and receives a $pubsub broadcast',
    async (strategy) => {
      const events: string[] = [];
      let refreshes = 0;
      const cable = createCable(app.wsUrl(), {
        websocketImplementation: WebSocket,
        // @anycable/core 1.1.7 types say 'params' but the code (websocket/index.js) checks 'param'.
        websocketAuthStrategy: strategy as CreateOptions['websocketAuthStrategy'],
        auth: { token: vector('HS256 expired').token },
        // Defaults would reconnect after seconds; a quick strategy keeps the test fast.
        reconnectStrategy: () => 0.05,
        tokenRefresher: async (transport) => {
          refreshes++;
          transport.setToken(issueToken({ identifiers: { user_id: 42 }, key: fixtures.secret, ttlSeconds: 60 }), 'jid');
        },
      });
      cable.on('disconnect', (ev) => events.push(`disconnect:${ev?.reason ?? ''}`));
      cable.on('close', (ev) => events.push(`close:${ev?.reason ?? ''}`));
      cable.on('connect', () => events.push('connect'));
      try {
        const channel = cable.streamFrom(`jwt-${strategy}`);
        const messages: unknown[] = [];
        channel.on('message', (msg) => void messages.push(msg));
        cable.connect().catch(() => undefined);

        await waitFor(() => events.includes('connect'), 5000, 'a connection after the token refresh');
        expect(refreshes).toBe(1);
        expect(events[0]).toBe('close:token_expired');
        await channel.ensureSubscribed();

        const res = await postBroadcast(app, { stream: `jwt-${strategy}`, data: JSON.stringify({ hello: strategy }) }, { Authorization: 'Bearer bk' });
        expect(res.status).toBe(201);
        await waitFor(() => messages.length > 0, 3000, 'the broadcast');
        expect(messages).toEqual([{ hello: strategy }]);
      } finally {
        cable.disconnect();
      }
    },
    15000,
  );

  it('stays closed on unauthorized (reconnect: false) and does not call the refresher', async () => {
    let refreshes = 0;
    const closes: string[] = [];
    const cable = createCable(app.wsUrl(), {
      websocketImplementation: WebSocket,
      auth: { token: vector('HS256 wrong secret').token },
      reconnectStrategy: () => 0.05,
      tokenRefresher: async () => void refreshes++,
    });
    cable.on('close', (ev) => void closes.push(ev?.reason ?? ''));
    try {
      cable.connect().catch(() => undefined);
      await waitFor(() => cable.state === 'closed' && closes.length > 0, 3000, 'the cable to close');
      expect(closes).toEqual(['unauthorized']);
      expect(refreshes).toBe(0);
      // No sleep needed to show it stays closed: the monitor is the only thing that reconnects on its own,
      // and it cancels its pending reconnect and goes to 'closed' on the cable's 'close' event
      // (@anycable/core monitor/index.js; a closed cable ignores later transport events, cable/index.js).
      expect((cable.monitor as unknown as { state: string } | undefined)?.state).toBe('closed');
    } finally {
      cable.disconnect();
    }
  });
});
