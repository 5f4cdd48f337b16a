import { PUBSUB } from '../../../src/broadcast/broadcast.tokens.js';
import type { PubSub } from '../../../src/broadcast/pubsub.js';
import { CableGateway } from '../../../src/cable/cable.gateway.js';
import type { SessionDeps } from '../../../src/cable/session.js';
import { appContextFor } from '../../support/app-context.js';
import { recordCalls } from '../../support/record-pubsub.js';

describe('CableModule wiring', () => {
  it('builds the gateway with Ingest from BroadcastModule: a whisper is published through the pub/sub', async () => {
    const ctx = await appContextFor(['--public']);
    const calls = recordCalls(ctx.get<PubSub>(PUBSUB));
    // The deps object every Session gets; private, read here only to check the wiring.
    const deps = (ctx.get(CableGateway) as unknown as { sessionDeps: SessionDeps }).sessionDeps;
    deps.publishWhisper('room', '{"typing":true}', 'sid-1');
    expect(calls).toEqual([`publish:${JSON.stringify({ kind: 'publication', publication: { stream: 'room', data: '{"typing":true}', meta: { exclude_socket: 'sid-1', transient: true } } })}`]);
    await ctx.close();
  });
});
