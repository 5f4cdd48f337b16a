import { BroadcastModule } from '../../../src/broadcast/broadcast.module.js';
import { BROADCASTERS, HTTP_BROADCASTER, PUBSUB } from '../../../src/broadcast/broadcast.tokens.js';
import type { Broadcaster } from '../../../src/broadcast/broadcaster.js';
import { HttpBroadcaster } from '../../../src/broadcast/http.broadcaster.js';
import { Ingest } from '../../../src/broadcast/ingest.js';
import { LocalPubSub } from '../../../src/broadcast/local.pubsub.js';
import type { PubSub } from '../../../src/broadcast/pubsub.js';
import { Hub, type Subscriber } from '../../../src/hub/hub.js';
import { appContextFor } from '../../support/app-context.js';
import { recordCalls } from '../../support/record-pubsub.js';

describe('BroadcastModule wiring', () => {
  it('starts the local pub/sub and the HTTP broadcaster at boot, and stops both at shutdown', async () => {
    const ctx = await appContextFor(['--public']);
    const broadcasters = ctx.get<readonly Broadcaster[]>(BROADCASTERS);
    const pubsub = ctx.get<PubSub>(PUBSUB);
    expect(pubsub).toBeInstanceOf(LocalPubSub);
    expect(broadcasters).toEqual([ctx.get(HTTP_BROADCASTER)]);
    expect(broadcasters[0]).toBeInstanceOf(HttpBroadcaster);
    const edges = ctx.get(BroadcastModule).edges();
    expect(edges).toEqual([...broadcasters, pubsub]);
    expect(edges.map((edge) => edge.readiness())).toEqual([
      { name: 'broadcaster:http', state: 'up', detail: 'POST /_broadcast' },
      { name: 'pubsub:local', state: 'up' },
    ]);
    await ctx.close();
    expect(edges.map((edge) => edge.readiness().state)).toEqual(['down', 'down']);
  });

  it('delivers what Ingest publishes to the hub, through the pub/sub, and tells the pub/sub which streams are active', async () => {
    const ctx = await appContextFor(['--public']);
    const calls = recordCalls(ctx.get<PubSub>(PUBSUB));
    const hub = ctx.get(Hub);
    const frames: string[] = [];
    const client: Subscriber = { sid: 'c', deliver: (frame) => void frames.push(frame.toString()) };
    hub.subscribe(client, 'room', 'id');
    ctx.get(Ingest).publish({ stream: 'room', data: '"hi"' });
    expect(frames).toEqual(['{"identifier":"id","message":"hi"}']);
    hub.removeSubscriber(client);
    expect(calls).toEqual(['subscribe:room', 'publish:{"kind":"publication","publication":{"stream":"room","data":"\\"hi\\""}}', 'unsubscribe:room']);
    await ctx.close();
  });

  it('configures no broadcaster when http is not among broadcast_adapter', async () => {
    const ctx = await appContextFor(['--broadcast_adapter', '']);
    expect(ctx.get(HTTP_BROADCASTER)).toBeNull();
    expect(ctx.get(BROADCASTERS)).toEqual([]);
    await ctx.close();
  });
});
