/**
 * Handler outcomes and connection state over real sockets: a scriptable test
 * channel contributed by a test module, and a recording fallback standing in
 * for RPC (`startApp(..., { imports, fallback })`).
 */
import { Injectable, Module } from '@nestjs/common';
import type { ChannelContext, PerformingChannel, PerformOutcome, SubscribeOutcome } from '../../src/channels/channel.js';
import { ContributesChannels, type ChannelContributor, type ChannelRegistration } from '../../src/channels/channel-registration.js';
import { CHANNEL_FALLBACK } from '../../src/channels/channels.tokens.js';
import type { ChannelParams } from '../../src/protocol/commands.js';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { RecordingFallback } from '../support/channel-doubles.js';
import { RawClient, waitFor } from '../support/raw-client.js';

/**
 * `ScriptChannel`: subscribing joins `params.stream` (if any) and sets istate
 * `subscribed`; `{"action":"apply","outcome":{...}}` returns that outcome as is;
 * `{"action":"echo"}` transmits what the channel sees of the connection.
 */
class ScriptChannel implements PerformingChannel {
  subscribe(_ctx: ChannelContext, _identifier: string, params: ChannelParams): SubscribeOutcome {
    return { kind: 'confirmed', streams: typeof params.stream === 'string' ? [params.stream] : [], istate: { subscribed: 'yes' } };
  }

  perform(ctx: ChannelContext, identifier: string, data: string): PerformOutcome {
    const { action, outcome } = JSON.parse(data) as { action: string; outcome?: object };
    if (action === 'echo') {
      const seen = { sid: ctx.sid, identifiers: ctx.identifiers, env: ctx.env, cstate: ctx.cstate, istate: ctx.istate(identifier) };
      return { kind: 'performed', transmissions: [JSON.stringify({ identifier, message: seen })] };
    }
    return { kind: 'performed', ...outcome };
  }
}

@Injectable()
@ContributesChannels()
class ScriptChannels implements ChannelContributor {
  channelRegistrations(): readonly ChannelRegistration[] {
    return [{ name: 'ScriptChannel', channel: new ScriptChannel(), messages: 'channel' }];
  }
}

@Module({ providers: [ScriptChannels] })
class ScriptChannelModule {}

const fallback = new RecordingFallback();
@Module({ providers: [{ provide: CHANNEL_FALLBACK, useValue: fallback }], exports: [CHANNEL_FALLBACK] })
class RecordingFallbackModule {}

const script = (extra: Record<string, unknown> = {}) => JSON.stringify({ channel: 'ScriptChannel', ...extra });
const apply = (client: RawClient, identifier: string, outcome: object) => client.send({ command: 'message', identifier, data: JSON.stringify({ action: 'apply', outcome }) });

describe('handler outcomes applied by the session', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public', '--headers', 'cookie,X-Tenant'], {}, { imports: [ScriptChannelModule], fallback: RecordingFallbackModule });
  });
  afterAll(() => app.close());

  /** A welcomed client with one ScriptChannel subscription on `stream`. */
  async function subscribed(stream: string, headers: Record<string, string> = {}): Promise<{ client: RawClient; id: string }> {
    const client = await RawClient.welcomed(app.wsUrl(), { headers });
    const id = script({ stream });
    expect(await client.subscribe(id)).toEqual({ type: 'confirm_subscription', identifier: id });
    return { client, id };
  }

  /** Post to `stream` and wait until the client got it (a sentinel: everything sent before has arrived). */
  async function sentinel(client: RawClient, stream: string): Promise<void> {
    const data = JSON.stringify({ sentinel: `${stream}-${Date.now()}-${Math.random()}` });
    expect((await postBroadcast(app, { stream, data })).status).toBe(201);
    await client.next((f) => JSON.stringify(f.message) === data);
  }

  it('sends transmissions in order', async () => {
    const { client, id } = await subscribed('t-order');
    apply(client, id, { transmissions: ['{"n":1}', '{"n":2}', '{"n":3}'] });
    expect([await client.next(), await client.next(), await client.next()]).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    client.close();
  });

  it('stops every stream before joining the new ones (stopped_streams ignored then)', async () => {
    const { client, id } = await subscribed('s-old');
    apply(client, id, { stopStreams: true, stoppedStreams: ['s-new'], streams: ['s-new'], transmissions: ['{"applied":1}'] });
    await client.next((f) => f.applied === 1);
    await postBroadcast(app, { stream: 's-old', data: '"lost"' });
    await sentinel(client, 's-new');
    expect(client.frames.some((f) => f.message === 'lost')).toBe(false);
    client.close();
  });

  it('stops only the stopped streams otherwise, and joins the new ones', async () => {
    const { client, id } = await subscribed('p-a');
    apply(client, id, { streams: ['p-b', 'p-c'], transmissions: ['{"step":1}'] });
    await client.next((f) => f.step === 1);
    apply(client, id, { stoppedStreams: ['p-b'], transmissions: ['{"step":2}'] });
    await client.next((f) => f.step === 2);
    await postBroadcast(app, { stream: 'p-b', data: '"stopped"' });
    await sentinel(client, 'p-a');
    await sentinel(client, 'p-c');
    expect(client.frames.some((f) => f.message === 'stopped')).toBe(false);
    client.close();
  });

  it('merges the state patch and later calls see it (empty string deletes)', async () => {
    const { client, id } = await subscribed('state', { Cookie: 'session=abc', 'X-Tenant': 'acme', 'X-Secret': 'not kept' });
    apply(client, id, { cstate: { user: 'u1', tmp: 'x' }, istate: { room: '42' } });
    apply(client, id, { cstate: { tmp: '' } });
    client.send({ command: 'message', identifier: id, data: JSON.stringify({ action: 'echo' }) });
    const echo = (await client.next((f) => f.identifier === id && typeof f.message === 'object')).message as Record<string, unknown>;
    expect(echo).toMatchObject({ cstate: { user: 'u1' }, istate: { subscribed: 'yes', room: '42' } });
    expect(echo.env).toEqual({ url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/cable$/), headers: { cookie: 'session=abc', 'x-tenant': 'acme', REMOTE_ADDR: '127.0.0.1' } });
    client.close();
  });

  it('closes the connection after the transmissions when the outcome asks to disconnect', async () => {
    const { client, id } = await subscribed('bye');
    apply(client, id, { transmissions: ['{"last":1}'], disconnect: true });
    expect(await client.next()).toEqual({ last: 1 });
    expect(await client.closed()).toBe(1000);
    expect(client.closeReason).toBe('Command Failed');
  });

  it('makes one connection-level disconnect call with every identifier, local and fallback ones', async () => {
    const { client, id } = await subscribed('closing');
    const chat = JSON.stringify({ channel: 'ChatChannel', room: 1 });
    expect(await client.subscribe(chat)).toEqual({ type: 'confirm_subscription', identifier: chat });
    const disconnectsOf = (c: RawClient) => fallback.calls.filter((call) => call.command === 'disconnect' && call.sid === c.frames.find((f) => f.type === 'welcome')!.sid);
    client.close();
    await waitFor(() => disconnectsOf(client).length > 0, 3000, 'the disconnect call');
    // Sentinel: a later connection's disconnect call has arrived, so a second call for the first one would have too.
    const later = await RawClient.welcomed(app.wsUrl());
    later.close();
    await waitFor(() => disconnectsOf(later).length > 0, 3000, 'the sentinel disconnect call');
    expect(disconnectsOf(client)).toHaveLength(1);
    expect(disconnectsOf(client)[0].subscriptions).toEqual([id, chat]);
    expect(disconnectsOf(client)[0].istates).toEqual({ [id]: { subscribed: 'yes' }, [chat]: {} });
    expect(fallback.calls.filter((c) => c.command === 'unsubscribe')).toEqual([]);
  });
});
