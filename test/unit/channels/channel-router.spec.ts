import type { ChannelRegistration } from '../../../src/channels/channel-registration.js';
import { ChannelRouter, FALLBACK_ROUTE } from '../../../src/channels/channel-router.js';
import { CableError } from '../../../src/errors.js';
import { RecordingFallback, ScriptedChannel } from '../../support/channel-doubles.js';
import { testContext } from '../../support/contexts.js';

const ctx = testContext();
const params = (channel: string) => ({ channel });

/** The error a router construction throws (or undefined). */
function failure(registrations: ChannelRegistration[]): CableError | undefined {
  try {
    new ChannelRouter(registrations, new RecordingFallback());
    return undefined;
  } catch (error) {
    return error as CableError;
  }
}

describe('ChannelRouter table', () => {
  it('routes registered names to their channel and every other name to the fallback', () => {
    const chat = new ScriptedChannel();
    const fallback = new RecordingFallback();
    const router = new ChannelRouter([{ name: 'ChatChannel', channel: chat, messages: 'channel' }], fallback);
    expect(router.route('ChatChannel')).toMatchObject({ channel: 'ChatChannel', local: true });
    expect(router.route('Other')).toMatchObject({ channel: FALLBACK_ROUTE, local: false });
    router.route('ChatChannel').subscribe(ctx, 'c', params('ChatChannel'));
    router.route('Other').subscribe(ctx, 'o', params('Other'));
    expect(chat.calls.map((c) => c.identifier)).toEqual(['c']);
    expect(fallback.calls.map((c) => c.identifier)).toEqual(['o']);
    expect(router.localChannels()).toEqual(['ChatChannel']);
    expect(router.fallbackName).toBe('recording');
  });

  it('returns the same frozen route object for every lookup', () => {
    const router = new ChannelRouter([{ name: 'A', channel: new ScriptedChannel(), messages: 'channel' }], new RecordingFallback());
    expect(router.route('A')).toBe(router.route('A'));
    expect(Object.isFrozen(router.route('A'))).toBe(true);
    expect(Object.isFrozen(router.route('nope'))).toBe(true);
  });

  it('sends message commands to the channel or to the fallback, as the registration says', () => {
    const own = new ScriptedChannel();
    const handedOn = new ScriptedChannel();
    const fallback = new RecordingFallback();
    const router = new ChannelRouter(
      [
        { name: 'Own', channel: own, messages: 'channel' },
        { name: 'HandedOn', channel: handedOn, messages: 'fallback' },
      ],
      fallback,
    );
    router.route('Own').perform(ctx, 'own', '{}');
    router.route('HandedOn').perform(ctx, 'handed', '{}');
    expect(own.calls.map((c) => c.command)).toEqual(['perform']);
    expect(handedOn.calls).toEqual([]);
    expect(fallback.calls.map((c) => [c.command, c.identifier])).toEqual([['perform', 'handed']]);
  });

  it('answers unsubscribe for a channel without an unsubscribe hook', () => {
    const router = new ChannelRouter([{ name: 'Bare', channel: { subscribe: () => ({ kind: 'confirmed' }) }, messages: 'fallback' }], new RecordingFallback());
    expect(router.route('Bare').unsubscribe(ctx, 'b')).toEqual({ kind: 'unsubscribed' });
  });
});

describe('ChannelRouter duplicates and overrides', () => {
  const channel = new ScriptedChannel();
  const user = (name: string, override?: boolean): ChannelRegistration => ({ name, channel, messages: 'channel', override });
  const builtIn = (name: string): ChannelRegistration => ({ name, channel, messages: 'fallback', builtIn: true });

  it('refuses a name registered twice with CABLE_ERR_CHANNEL_DUPLICATE, whatever the override flags', () => {
    expect(failure([user('ChatChannel'), user('ChatChannel')])).toMatchObject({ code: 'CABLE_ERR_CHANNEL_DUPLICATE', message: expect.stringContaining('"ChatChannel" is registered 2 times') });
    expect(failure([user('ChatChannel'), user('ChatChannel', true)])).toMatchObject({ code: 'CABLE_ERR_CHANNEL_DUPLICATE' });
    expect(failure([builtIn('$pubsub'), user('$pubsub', true), user('$pubsub', true)])).toMatchObject({ code: 'CABLE_ERR_CHANNEL_DUPLICATE' });
  });

  it('names every duplicate in one error', () => {
    const error = failure([user('A'), user('A'), user('B'), user('B')]);
    expect(error).toBeInstanceOf(CableError);
    expect(error!.message).toContain('"A"');
    expect(error!.message).toContain('"B"');
  });

  it('lets a registration with override: true replace a built-in channel', () => {
    const mine = new ScriptedChannel();
    const router = new ChannelRouter([builtIn('$pubsub'), { name: '$pubsub', channel: mine, messages: 'channel', override: true }], new RecordingFallback());
    router.route('$pubsub').subscribe(ctx, 'p', params('$pubsub'));
    expect(mine.calls).toHaveLength(1);
  });

  it('refuses a built-in name without override, even when that built-in is disabled', () => {
    expect(failure([builtIn('$pubsub'), user('$pubsub')])).toMatchObject({ code: 'CABLE_ERR_CHANNEL_DUPLICATE', message: expect.stringContaining('override: true') });
    expect(failure([user('Turbo::StreamsChannel')])).toMatchObject({ code: 'CABLE_ERR_CHANNEL_DUPLICATE' });
    expect(failure([user('Turbo::StreamsChannel', true)])).toBeUndefined();
  });
});

describe('ChannelRouter.disconnect (the connection-level close seam)', () => {
  it('unsubscribes each local subscription and calls the fallback once with every identifier', async () => {
    const local = new ScriptedChannel();
    const fallback = new RecordingFallback();
    const router = new ChannelRouter([{ name: 'Local', channel: local, messages: 'channel' }], fallback);
    const subscriptions = new Map([
      ['l1', { route: router.route('Local') }],
      ['r1', { route: router.route('Remote') }],
      ['r2', { route: router.route('Remote') }],
    ]);
    expect(await router.disconnect(ctx, subscriptions)).toEqual([]);
    expect(local.calls.map((c) => [c.command, c.identifier])).toEqual([['unsubscribe', 'l1']]);
    expect(fallback.calls.map((c) => [c.command, c.subscriptions])).toEqual([['disconnect', ['l1', 'r1', 'r2']]]);
  });

  it('calls the fallback even for a connection without subscriptions', async () => {
    const fallback = new RecordingFallback();
    await new ChannelRouter([], fallback).disconnect(ctx, new Map());
    expect(fallback.calls.map((c) => [c.command, c.subscriptions])).toEqual([['disconnect', []]]);
  });

  it('collects failures of every hook instead of throwing, and still runs the others', async () => {
    const broken = new ScriptedChannel();
    broken.onUnsubscribe = () => {
      throw new Error('bug');
    };
    const refusing = new ScriptedChannel();
    refusing.onUnsubscribe = () => ({ kind: 'error', reason: 'no' });
    const fallback = new RecordingFallback();
    fallback.disconnect = () => Promise.reject(new Error('rpc down'));
    const router = new ChannelRouter(
      [
        { name: 'Broken', channel: broken, messages: 'channel' },
        { name: 'Refusing', channel: refusing, messages: 'channel' },
      ],
      fallback,
    );
    const failures = await router.disconnect(ctx, new Map([['b', { route: router.route('Broken') }], ['r', { route: router.route('Refusing') }]]));
    expect(failures).toEqual(['b: bug', 'r: no', 'fallback disconnect: rpc down']);
  });
});
