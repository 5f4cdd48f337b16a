/**
 * `@CableChannel` classes over real sockets: discovered in a user module at
 * boot, hooks turned into outcomes the session applies, actions dispatched by
 * `data.action`, transmits that arrive later (and stop once the subscription
 * ends), broadcasts through the ingest road, and the start-up rules for names.
 */
import { Injectable, Module, type Type } from '@nestjs/common';
import { Action, CableChannel } from '../../src/channels/cable-channel.decorator.js';
import type { SubscribeContext, SubscriptionContext } from '../../src/channels/subscription-context.js';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient, waitFor } from '../support/raw-client.js';

/** Transmits handed to later work; the test fires them when it wants. */
const pending: Array<() => boolean> = [];

@Injectable()
@CableChannel('EchoChannel')
class EchoChannel {
  subscribed(ctx: SubscribeContext, params: { topic?: string }) {
    if (params.topic === 'closed') return ctx.reject('closed topic');
    ctx.streamFrom(`echo:${params.topic}`);
    ctx.setIstate({ topic: String(params.topic) });
    pending.push(() => ctx.transmit({ later: params.topic }));
  }

  @Action()
  shout(ctx: SubscriptionContext, data: { text: string }) {
    ctx.broadcast(`echo:${ctx.istate.topic}`, { shout: data.text.toUpperCase() });
  }

  @Action()
  async whoami(ctx: SubscriptionContext) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    ctx.transmit({ sid: ctx.sid, topic: ctx.istate.topic });
  }
}

@Module({ providers: [EchoChannel] })
class EchoModule {}

const id = (topic: string) => JSON.stringify({ channel: 'EchoChannel', topic });

describe('@CableChannel classes in a running server', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp(['--public'], {}, { imports: [EchoModule] });
  });
  afterAll(() => app.close());

  it('confirms, follows streams, and dispatches actions; a broadcast from an action reaches every subscriber', async () => {
    const [a, b] = await Promise.all([RawClient.welcomed(app.wsUrl()), RawClient.welcomed(app.wsUrl())]);
    expect(await a.subscribe(id('news'))).toMatchObject({ type: 'confirm_subscription' });
    expect(await b.subscribe(id('news'))).toMatchObject({ type: 'confirm_subscription' });
    a.send({ command: 'message', identifier: id('news'), data: JSON.stringify({ action: 'shout', text: 'hi' }) });
    for (const client of [a, b]) expect(await client.next((f) => f.identifier === id('news'))).toEqual({ identifier: id('news'), message: { shout: 'HI' } });
    a.send({ command: 'message', identifier: id('news'), data: JSON.stringify({ action: 'whoami' }) });
    expect(await a.next((f) => f.identifier === id('news'))).toEqual({ identifier: id('news'), message: { sid: a.sid, topic: 'news' } });
    a.close();
    b.close();
  });

  it('rejects what subscribed refuses', async () => {
    const client = await RawClient.welcomed(app.wsUrl());
    expect(await client.subscribe(id('closed'))).toEqual({ identifier: id('closed'), type: 'reject_subscription' });
    client.close();
  });

  it('delivers a transmit made after the hook while the subscription lives, and drops it afterwards', async () => {
    pending.length = 0;
    const client = await RawClient.welcomed(app.wsUrl());
    await client.subscribe(id('late'));
    const transmitLater = await waitFor(() => pending[0], 3000, 'the hook to hand over its context');
    expect(transmitLater()).toBe(true);
    expect(await client.next((f) => f.identifier === id('late'))).toEqual({ identifier: id('late'), message: { later: 'late' } });
    client.send({ command: 'unsubscribe', identifier: id('late') });
    expect(await client.framesBeforePong()).toEqual([]);
    expect(transmitLater()).toBe(false);
    expect(await client.framesBeforePong()).toEqual([]);
    client.close();
  });

  it('counts the subscriptions of the channel by its name', async () => {
    const { Counters } = await import('../../src/metrics/counters.js');
    const counters = app.app.get(Counters);
    const before = counters.get('subscriptions:EchoChannel');
    const client = await RawClient.welcomed(app.wsUrl());
    await client.subscribe(id('counted'));
    expect(counters.get('subscriptions:EchoChannel')).toBe(before + 1);
    client.close();
    await waitFor(() => counters.get('subscriptions:EchoChannel') === before, 3000, 'the count to drop');
  });
});

/** A module providing `providers`. */
function moduleWith(...providers: Type[]): Type {
  @Module({ providers })
  class ProvidingModule {}
  return ProvidingModule;
}

describe('@CableChannel names at start-up', () => {
  @Injectable()
  @CableChannel('EchoChannel')
  class SecondEcho {}

  @Injectable()
  @CableChannel('$pubsub')
  class PubsubTakeover {}

  @Injectable()
  @CableChannel('$pubsub', { override: true })
  class PubsubOverride {
    subscribed(ctx: SubscribeContext) {
      ctx.streamFrom('overridden');
    }
  }

  it('stops start-up when two classes claim one name, or a class takes a built-in name without override', async () => {
    await expect(startApp(['--public'], {}, { imports: [EchoModule, moduleWith(SecondEcho)] })).rejects.toThrow(
      /CABLE_ERR_CHANNEL_DUPLICATE: "EchoChannel" is registered 2 times/,
    );
    await expect(startApp(['--public'], {}, { imports: [moduleWith(PubsubTakeover)] })).rejects.toThrow(
      /CABLE_ERR_CHANNEL_DUPLICATE: "\$pubsub" is a built-in channel; register it with override: true/,
    );
  });

  it('replaces a built-in channel with override: true', async () => {
    const app = await startApp(['--public'], {}, { imports: [moduleWith(PubsubOverride)] });
    try {
      const client = await RawClient.welcomed(app.wsUrl());
      const identifier = JSON.stringify({ channel: '$pubsub', stream_name: 'ignored' });
      expect(await client.subscribe(identifier)).toMatchObject({ type: 'confirm_subscription' });
      client.close();
    } finally {
      await app.close();
    }
  });
});
