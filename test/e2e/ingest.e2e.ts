/** Whispers and remote disconnects take the broadcasts' road: ingest -> pub/sub -> node delivery -> clients. */
import { PUBSUB } from '../../src/broadcast/broadcast.tokens.js';
import type { PubSub } from '../../src/broadcast/pubsub.js';
import { issueToken } from '../../src/auth/jwt/token-issuer.js';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { recordCalls } from '../support/record-pubsub.js';
import { pubsubIdentifier, RawClient } from '../support/raw-client.js';

const SECRET = 'ingest-e2e-secret';

describe('whispers and remote disconnects through ingest and the pub/sub', () => {
  let app: TestApp;
  let calls: string[];
  beforeAll(async () => {
    app = await startApp(['--public', '--jwt_secret', SECRET]);
    calls = recordCalls(app.app.get<PubSub>(PUBSUB));
  });
  afterAll(() => app.close());
  const as = (identifiers: Record<string, unknown>) => `${app.wsUrl()}?jid=${encodeURIComponent(issueToken({ identifiers, key: SECRET }))}`;

  it('delivers a whisper to the other subscribers, not to its sender, as a transient publication', async () => {
    const id = pubsubIdentifier('typing');
    const sender = await RawClient.connect(app.wsUrl());
    const { sid } = await sender.next((f) => f.type === 'welcome');
    const listener = await RawClient.welcomed(app.wsUrl());
    await sender.subscribe(id);
    await listener.subscribe(id);
    sender.send({ command: 'whisper', identifier: id, data: { typing: true } });
    expect(await listener.next((f) => 'message' in f)).toEqual({ identifier: id, message: { typing: true } });
    expect(calls).toContain(`publish:${JSON.stringify({ kind: 'publication', publication: { stream: 'typing', data: '{"typing":true}', meta: { exclude_socket: sid, transient: true } } })}`);
    // Sentinel: a broadcast sent after the whisper is the first message the sender sees.
    await postBroadcast(app, { stream: 'typing', data: '"sentinel"' });
    expect(await sender.next((f) => 'message' in f)).toEqual({ identifier: id, message: 'sentinel' });
    sender.close();
    listener.close();
  });

  it('closes every session with the given identifiers on a remote disconnect, and no other', async () => {
    const id = pubsubIdentifier('news');
    const tabs = await Promise.all([RawClient.welcomed(as({ user: 'ann' })), RawClient.welcomed(as({ user: 'ann' }))]);
    const bob = await RawClient.welcomed(as({ user: 'bob' }));
    await bob.subscribe(id);
    const command = { command: 'disconnect', payload: { identifier: JSON.stringify({ user: 'ann' }), reconnect: false } };
    expect((await postBroadcast(app, command)).status).toBe(201);
    for (const tab of tabs) {
      expect(await tab.next()).toEqual({ type: 'disconnect', reason: 'remote', reconnect: false });
      expect(await tab.closed()).toBe(1000);
    }
    expect(calls).toContain(`publish:${JSON.stringify({ kind: 'disconnect', identifiers: '{"user":"ann"}', reconnect: false })}`);
    await postBroadcast(app, { stream: 'news', data: '"still here"' });
    expect(await bob.next((f) => 'message' in f)).toEqual({ identifier: id, message: 'still here' });
    expect(bob.closeCode).toBeUndefined();
    bob.close();
  });
});
