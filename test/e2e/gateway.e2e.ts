import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient } from '../support/raw-client.js';

describe('Cable gateway (public mode)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public']);
  });
  afterAll(() => app.close());

  it('negotiates actioncable-v1-json and sends a welcome with a sid', async () => {
    const client = await RawClient.connect(app.wsUrl());
    expect(client.ws.protocol).toBe('actioncable-v1-json');
    const welcome = await client.next();
    expect(welcome).toEqual({ type: 'welcome', sid: expect.stringMatching(/^[\w-]{21}$/) });
    client.close();
  });

  it('delivers a broadcast posted over HTTP to a $pubsub subscriber', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const identifier = pubsubIdentifier('chat:1');
    expect(await client.subscribe(identifier)).toEqual({ identifier, type: 'confirm_subscription' });
    const res = await postBroadcast(app, { stream: 'chat:1', data: JSON.stringify({ text: 'hi' }) });
    expect(res.status).toBe(201);
    expect(await client.next()).toEqual({ identifier, message: { text: 'hi' } });
    client.close();
  });
});
