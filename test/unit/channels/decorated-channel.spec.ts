import { IsIn, IsString, MaxLength } from 'class-validator';
import { Action, actionsOf, CableChannel, type CableChannelSpec } from '../../../src/channels/cable-channel.decorator.js';
import type { ChannelContext, PerformOutcome } from '../../../src/channels/channel.js';
import { DecoratedChannel } from '../../../src/channels/decorated-channel.js';
import type { SubscribeContext, SubscriptionContext } from '../../../src/channels/subscription-context.js';
import { CableError } from '../../../src/errors.js';
import { testContext } from '../../support/contexts.js';

class RoomParams {
  @IsString() @IsIn(['lobby', 'ops'])
  room!: string;
}

class SpeakData {
  @IsString() @MaxLength(10)
  text!: string;
}

/** A channel exercising every hook; `later` keeps contexts so tests can use them after the hook. */
@CableChannel('RoomChannel', { params: RoomParams })
class RoomChannel {
  readonly later: SubscriptionContext[] = [];
  unsubscribedWith?: unknown;

  subscribed(ctx: SubscribeContext, params: RoomParams) {
    if (ctx.claims?.banned) return ctx.reject('banned');
    ctx.transmit({ hello: ctx.identifiers.user });
    ctx.streamFrom(`room:${params.room}`);
    ctx.setIstate({ room: params.room });
    this.later.push(ctx);
  }

  @Action({ params: SpeakData })
  speak(ctx: SubscriptionContext, data: SpeakData) {
    ctx.broadcast(`room:${ctx.istate.room}`, { text: data.text });
    this.later.push(ctx);
  }

  @Action({ name: 'leave_room' })
  async leave(ctx: SubscriptionContext): Promise<PerformOutcome> {
    await Promise.resolve();
    ctx.stopStreamFrom(`room:${ctx.istate.room}`);
    ctx.transmit({ left: true });
    return { kind: 'performed', cstate: { last: 'left' } };
  }

  @Action()
  explode(): void {
    throw new Error('boom');
  }

  notAnAction(): void {}

  unsubscribed(ctx: SubscriptionContext) {
    this.unsubscribedWith = ctx.istate;
    ctx.setCstate({ rooms: '' });
  }
}

const ROOM = JSON.stringify({ channel: 'RoomChannel', room: 'lobby' });
const spec: CableChannelSpec = { name: 'RoomChannel', params: RoomParams };

function setup(overrides: Partial<ChannelContext> = {}) {
  const published: Array<[string, string]> = [];
  const sent: Array<[string, string]> = [];
  const instance = new RoomChannel();
  const channel = new DecoratedChannel(spec, instance as never, actionsOf(RoomChannel), (stream, data) => published.push([stream, data]));
  const ctx = testContext({
    identifiers: '{"user":"ann"}',
    istate: () => ({ room: 'lobby' }),
    sendToSubscription: (identifier, frame) => (sent.push([identifier, frame]), true),
    ...overrides,
  });
  return { channel, instance, ctx, published, sent };
}

describe('DecoratedChannel subscribe', () => {
  it('turns what subscribed recorded into a confirmed outcome: transmits, then the confirmation', () => {
    const { channel, ctx } = setup();
    expect(channel.subscribe(ctx, ROOM, JSON.parse(ROOM))).toEqual({
      kind: 'confirmed',
      streams: ['room:lobby'],
      istate: { room: 'lobby' },
      transmissions: [`{"identifier":${JSON.stringify(ROOM)},"message":{"hello":"ann"}}`, `{"identifier":${JSON.stringify(ROOM)},"type":"confirm_subscription"}`],
    });
  });

  it('rejects from a claim, and on params the params class refuses, without calling the hook', () => {
    const { channel, ctx, instance } = setup({ claims: { banned: true } });
    expect(channel.subscribe(ctx, ROOM, JSON.parse(ROOM))).toEqual({ kind: 'rejected', reason: 'banned' });
    const odd = JSON.stringify({ channel: 'RoomChannel', room: 'attic' });
    expect(channel.subscribe(testContext(), odd, JSON.parse(odd))).toMatchObject({ kind: 'rejected', reason: expect.stringMatching(/^invalid params: room must be one of/) });
    expect(instance.later).toEqual([]);
  });
});

describe('DecoratedChannel actions', () => {
  it('dispatches by data.action to @Action methods only, with their data checked', () => {
    const { channel, ctx, published } = setup();
    expect(channel.perform(ctx, ROOM, '{"action":"speak","text":"hi"}')).toEqual({ kind: 'performed' });
    expect(published).toEqual([['room:lobby', '{"text":"hi"}']]);
    expect(channel.perform(ctx, ROOM, '{"action":"speak","text":"far too long"}')).toMatchObject({ kind: 'ignored', reason: expect.stringMatching(/^speak: invalid data: text must be shorter/) });
    expect(channel.perform(ctx, ROOM, '{"action":"notAnAction"}')).toEqual({ kind: 'ignored', reason: 'RoomChannel has no action "notAnAction"' });
    expect(channel.perform(ctx, ROOM, '{"action":"leave"}')).toMatchObject({ kind: 'ignored' });
    expect(channel.perform(ctx, ROOM, 'nope')).toEqual({ kind: 'ignored', reason: 'data is not JSON' });
    expect(channel.perform(ctx, ROOM, '{}')).toEqual({ kind: 'ignored', reason: 'data has no action' });
  });

  it('merges what an async action recorded with the outcome it returned', async () => {
    const { channel, ctx } = setup();
    expect(await channel.perform(ctx, ROOM, '{"action":"leave_room"}')).toEqual({
      kind: 'performed',
      stoppedStreams: ['room:lobby'],
      cstate: { last: 'left' },
      transmissions: [`{"identifier":${JSON.stringify(ROOM)},"message":{"left":true}}`],
    });
  });

  it('turns a throwing action into an error outcome naming the channel and method', () => {
    const { channel, ctx } = setup();
    expect(channel.perform(ctx, ROOM, '{"action":"explode"}')).toEqual({ kind: 'error', reason: 'RoomChannel#explode: boom' });
  });
});

describe('DecoratedChannel contexts after the hook', () => {
  it('transmits to the live subscription later, and drops it once unsubscribed', () => {
    const { channel, ctx, instance, sent } = setup();
    channel.subscribe(ctx, ROOM, JSON.parse(ROOM));
    const [later] = instance.later;
    expect(later.transmit({ n: 1 })).toBe(true);
    expect(sent).toEqual([[ROOM, `{"identifier":${JSON.stringify(ROOM)},"message":{"n":1}}`]]);
    expect(() => later.streamFrom('x')).toThrow(CableError);
    expect(channel.unsubscribe(ctx, ROOM)).toEqual({ kind: 'unsubscribed', cstate: { rooms: '' } });
    expect(instance.unsubscribedWith).toEqual({ room: 'lobby' });
    expect(later.transmit({ n: 2 })).toBe(false);
    expect(sent).toHaveLength(1);
  });

  it('never lets an old context reach a newer subscription under the same identifier', () => {
    const { channel, ctx, instance } = setup();
    channel.subscribe(ctx, ROOM, JSON.parse(ROOM));
    channel.subscribe(ctx, ROOM, JSON.parse(ROOM));
    const [first, second] = instance.later;
    expect([first.transmit(1), second.transmit(2)]).toEqual([false, true]);
  });

  it('lets an action context transmit later while the subscription lives', () => {
    const { channel, ctx, instance } = setup();
    channel.subscribe(ctx, ROOM, JSON.parse(ROOM));
    channel.perform(ctx, ROOM, '{"action":"speak","text":"hi"}');
    expect(instance.later[1].transmit('late')).toBe(true);
  });

  it('refuses reject outside subscribed, and stream changes in unsubscribed, by throwing', () => {
    @CableChannel('Bad')
    class Bad {
      @Action()
      rejectLate(ctx: SubscriptionContext) {
        (ctx as SubscribeContext).reject('no');
      }
      unsubscribed(ctx: SubscriptionContext) {
        ctx.streamFrom('x');
      }
    }
    const bad = new DecoratedChannel({ name: 'Bad' }, new Bad() as never, actionsOf(Bad), () => undefined);
    expect(bad.perform(testContext(), 'b', '{"action":"rejectLate"}')).toEqual({ kind: 'error', reason: 'Bad#rejectLate: CABLE_ERR_CHANNEL_CONTEXT: ctx.reject() is not available in an action' });
    expect(bad.unsubscribe(testContext(), 'b')).toMatchObject({ kind: 'error', reason: expect.stringContaining('ctx.streamFrom() is not available in unsubscribed') });
  });
});

describe('actionsOf', () => {
  it('includes inherited actions; a subclass action of the same name wins', () => {
    class Base {
      @Action() ping() {}
      @Action() speak() {}
    }
    class Child extends Base {
      @Action({ name: 'speak' }) shout() {}
    }
    expect([...actionsOf(Child)]).toEqual([
      ['ping', { method: 'ping', params: undefined }],
      ['speak', { method: 'shout', params: undefined }],
    ]);
  });
});
