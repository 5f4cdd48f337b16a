import { EventEmitter } from 'node:events';
import { CableWsAdapter } from '../../../src/cable/cable.ws-adapter.js';

describe('CableWsAdapter', () => {
  it("adds no per-socket 'disconnect' listener for Nest (ws never emits it; sessions listen for 'close')", () => {
    const adapter = new CableWsAdapter({} as never, {} as never);
    const client = new EventEmitter();
    adapter.bindClientDisconnect();
    (adapter as unknown as { bindClientDisconnect(client: EventEmitter, cb: () => void): void }).bindClientDisconnect(client, () => undefined);
    expect(client.eventNames()).toEqual([]);
  });
});
