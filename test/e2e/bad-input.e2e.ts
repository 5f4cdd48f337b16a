/**
 * Every kind of bad client input has a defined outcome, and never disturbs
 * the connection of anyone else (documented in docs/protocol.md).
 */
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient } from '../support/raw-client.js';

describe('bad client input', () => {
  let app: TestApp;
  let bystander: RawClient;
  const bystanderId = pubsubIdentifier('bystander');

  beforeAll(async () => {
    app = await startApp(['--public', '--max_message_size', '1024']);
    bystander = await RawClient.welcomed(app.wsUrl());
    await bystander.subscribe(bystanderId);
  });
  afterAll(async () => {
    bystander.close();
    await app.close();
  });

  /** After each case: the offender still works (unless closed) and the bystander still gets broadcasts. */
  async function expectStillServing(client?: RawClient): Promise<void> {
    const stamp = String(Math.random());
    await postBroadcast(app, { stream: 'bystander', data: JSON.stringify({ stamp }) });
    await bystander.next((f) => (f.message as { stamp?: string })?.stamp === stamp);
    if (client) {
      client.send({ command: 'ping' });
      await client.next((f) => f.type === 'pong');
    }
  }

  /** The debug log entries the app wrote for session `sid`. */
  function debugLogOf(sid: string | undefined): Record<string, unknown>[] {
    return app.logs.map((line) => JSON.parse(line) as Record<string, unknown>).filter((entry) => entry.level === 'debug' && entry.sid === sid);
  }

  it.each([
    ['malformed JSON', 'this is {not json', { msg: 'frame ignored', reason: 'malformed JSON' }],
    ['a JSON array', '[1,2,3]', { msg: 'frame ignored', reason: 'frame is not a JSON object' }],
    ['an unknown command', '{"command":"teleport","identifier":"{}"}', { msg: 'frame ignored', reason: 'unknown command: teleport' }],
    ['a command without identifier', '{"command":"subscribe"}', { msg: 'frame ignored', reason: 'subscribe: identifier must be a non-empty string' }],
    ['message to an unknown identifier', JSON.stringify({ command: 'message', identifier: pubsubIdentifier('nope'), data: '{}' }), { msg: 'message to unknown identifier ignored', channel: '$pubsub' }],
    ['unsubscribe from an unknown identifier', JSON.stringify({ command: 'unsubscribe', identifier: pubsubIdentifier('nope') }), { msg: 'unsubscribe from unknown identifier ignored', channel: '$pubsub' }],
  ])('ignores %s: nothing is sent, the connection stays open, a debug line is logged', async (_name, frame, logged) => {
    const client = await RawClient.welcomed(app.wsUrl());
    client.send(frame);
    expect(await client.framesBeforePong()).toEqual([]);
    expect(client.closeCode).toBeUndefined();
    // The server logs before it handles the ping that produced the pong, so the line is already there.
    expect(debugLogOf(client.sid)).toContainEqual(expect.objectContaining(logged));
    await expectStillServing(client);
    client.close();
  });

  it('names the channel in its debug lines, never the identifier (a Turbo identifier carries the signed stream name)', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const signedName = 'InNlY3JldC1yb29tIg==--0123456789abcdef0123456789abcdef01234567';
    const identifier = JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: signedName });
    client.send({ command: 'message', identifier, data: '{}' });
    expect(await client.framesBeforePong()).toEqual([]);
    const lines = debugLogOf(client.sid);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'message to unknown identifier ignored', channel: 'Turbo::StreamsChannel' }));
    expect(JSON.stringify(lines)).not.toContain(signedName);
    client.close();
  });

  it('ignores a duplicate subscribe (no second confirmation) and keeps one delivery per broadcast', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const id = pubsubIdentifier('dup');
    await client.subscribe(id);
    client.send({ command: 'subscribe', identifier: id });
    expect(await client.framesBeforePong()).toEqual([]);
    await postBroadcast(app, { stream: 'dup', data: '1' });
    await client.next((f) => f.message === 1);
    // A second broadcast on the same stream arrives after any duplicate of the first (per-stream order).
    await postBroadcast(app, { stream: 'dup', data: '2' });
    expect(await client.framesBefore((f) => f.message === 2)).toEqual([]);
    await expectStillServing(client);
    client.close();
  });

  it('ignores a message whose data is not a string', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const id = pubsubIdentifier('nsd');
    await client.subscribe(id);
    client.send({ command: 'message', identifier: id, data: { action: 'speak' } });
    expect(await client.framesBeforePong()).toEqual([]);
    expect(debugLogOf(client.sid)).toContainEqual(expect.objectContaining({ msg: 'frame ignored', reason: 'message: data must be a string' }));
    await expectStillServing(client);
    client.close();
  });

  it('ignores binary frames', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    client.ws.send(Buffer.from(JSON.stringify({ command: 'subscribe', identifier: pubsubIdentifier('bin') })), { binary: true });
    expect(await client.framesBeforePong()).toEqual([]);
    expect(debugLogOf(client.sid)).toContainEqual(expect.objectContaining({ msg: 'binary frame ignored' }));
    await expectStillServing(client);
    client.close();
  });

  it('rejects a subscribe whose identifier is not a JSON object with a channel', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    expect(await client.subscribe('not-json')).toEqual({ identifier: 'not-json', type: 'reject_subscription' });
    expect(await client.subscribe('{"id":1}')).toEqual({ identifier: '{"id":1}', type: 'reject_subscription' });
    await expectStillServing(client);
    client.close();
  });

  it('rejects channels nobody handles, explicitly, and says at info that RPC is off', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const id = JSON.stringify({ channel: 'ChatChannel', id: 1 });
    expect(await client.subscribe(id)).toEqual({ identifier: id, type: 'reject_subscription' });
    const lines = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'subscription rejected: RPC is off')).toMatchObject({ level: 'info', channel: 'ChatChannel' });
    expect(lines.find((l) => l.msg === 'cablecar listening')).toMatchObject({ level: 'info', rpc: 'off (norpc)' });
    client.close();
  });

  it('closes the socket with 1009 on a frame over max_message_size, others unaffected', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    client.send(JSON.stringify({ command: 'message', identifier: 'x', data: 'y'.repeat(2000) }));
    expect(await client.closed()).toBe(1009);
    await expectStillServing();
  });

  it('floods of garbage do not stop the server from serving', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    for (let i = 0; i < 250; i++) client.send(i % 2 ? '{' : '{"command":1}'); // within command_burst (300)
    await expectStillServing(client);
    client.close();
  });

  it('answers a client ping with pong and echoes identifiers byte for byte', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    const odd = '{ "stream_name" : "spaced",\n"channel":"$pubsub" }';
    expect(await client.subscribe(odd)).toEqual({ identifier: odd, type: 'confirm_subscription' });
    await postBroadcast(app, { stream: 'spaced', data: 'plain text' });
    const frame = await client.next((f) => 'message' in f);
    expect(frame).toEqual({ identifier: odd, message: 'plain text' });
    const sentinel = pubsubIdentifier('spaced-sentinel');
    await client.subscribe(sentinel);
    client.send({ command: 'unsubscribe', identifier: odd });
    expect(await client.framesBeforePong()).toEqual([]);
    // One batch is delivered in order: the sentinel comes after whatever the first item would have sent.
    await postBroadcast(app, [{ stream: 'spaced', data: '2' }, { stream: 'spaced-sentinel', data: '"sentinel"' }]);
    expect(await client.framesBefore((f) => f.identifier === sentinel)).toEqual([]);
    client.close();
  });
});
