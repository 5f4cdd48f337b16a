/** The `nats` broadcaster against a real NATS server, reaching real `@rails/actioncable` clients. */
import type { NatsConnection } from '@nats-io/transport-node';
import { startApp, type TestApp } from '../support/app.js';
import { describeWith } from '../support/describe-with.js';
import { waitFor } from '../support/raw-client.js';
import { NATS, TEST_NATS_URL } from '../support/requirements.js';
import { natsClient, railsSubscriber, unique, untilHeard } from '../support/scale.js';

(await describeWith(NATS))('nats broadcaster (anycable-rb NATS adapter format)', () => {
  const subject = unique('cc-nats-bc');
  let app: TestApp;
  let nats: NatsConnection;
  beforeAll(async () => {
    nats = await natsClient();
    app = await startApp(['--public', '--broadcast_adapter', 'nats', '--nats_servers', TEST_NATS_URL, '--nats_channel', subject, '--pubsub', 'none']);
  });
  afterAll(async () => {
    await app.close();
    await nats.close();
  });

  it('delivers single and batched publications in order to @rails/actioncable clients', async () => {
    const stream = unique('chat');
    const client = await railsSubscriber(app.wsUrl(), stream);
    let n = 0;
    await untilHeard(() => nats.publish(subject, JSON.stringify({ stream, data: JSON.stringify({ marker: ++n }) })), () => client.received.length > 0);
    const before = client.received.length;
    nats.publish(subject, JSON.stringify({ stream, data: JSON.stringify({ text: 'one' }) }));
    nats.publish(subject, JSON.stringify([{ stream, data: '"two"' }, { stream, data: '"three"' }]));
    await waitFor(() => client.received.length === before + 3, 5000, 'three broadcasts');
    expect(client.received.slice(before)).toEqual([{ text: 'one' }, 'two', 'three']);
    client.close();
  });

  it('reports the broadcaster ready on the readiness path', async () => {
    const res = await fetch(app.httpUrl('/ready'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ready', edges: expect.arrayContaining([expect.objectContaining({ name: 'broadcaster:nats', state: 'up' })]) });
  });
});
