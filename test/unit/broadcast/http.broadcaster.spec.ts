import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BroadcastSink } from '../../../src/broadcast/broadcaster.js';
import { HttpBroadcaster, broadcastAuthFor } from '../../../src/broadcast/http.broadcaster.js';
import type { BroadcastItem } from '../../../src/broadcast/publication.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';

const logger = new CableLogger({ level: 'error', format: 'json', write: () => undefined });

/** Serve `broadcaster.handle` on a free port, as the main HTTP server does on its path. */
async function serve(broadcaster: HttpBroadcaster): Promise<{ server: Server; post: (body: unknown, headers?: Record<string, string>) => Promise<number> }> {
  const server = createServer(broadcaster.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_broadcast`;
  const post = async (body: unknown, headers: Record<string, string> = {}) =>
    (await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) })).status;
  return { server, post };
}

describe('HttpBroadcaster as a Broadcaster', () => {
  it('is not fan-out, answers 503 until started, hands accepted items to its sink, and 503 again once stopped', async () => {
    const broadcaster = new HttpBroadcaster({ path: '/_broadcast', auth: broadcastAuthFor('k', false), maxBodySize: 1024, logger });
    const { server, post } = await serve(broadcaster);
    const auth = { Authorization: 'Bearer k' };
    try {
      expect(broadcaster.fanout).toBe(false);
      expect(broadcaster.readiness()).toEqual({ name: 'broadcaster:http', state: 'starting', detail: 'POST /_broadcast' });
      expect(await post({ stream: 's', data: '1' }, auth)).toBe(503);
      const refused = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/_broadcast`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...auth }, body: '{}' });
      expect([refused.headers.get('content-type'), await refused.json()]).toEqual(['application/json', { error: expect.stringMatching(/not accepting broadcasts/), code: 'shutting_down' }]);

      const received: BroadcastItem[][] = [];
      const sink: BroadcastSink = (items) => void received.push([...items]);
      await broadcaster.start(sink);
      expect(broadcaster.readiness().state).toBe('up');
      expect(await post([{ stream: 's', data: '1' }, { command: 'disconnect', payload: { identifier: 'u', reconnect: false } }], auth)).toBe(201);
      expect(await post({ stream: 's', data: '1' }, { Authorization: 'Bearer wrong' })).toBe(401);
      expect(await post({ stream: 's', data: { not: 'a string' } }, auth)).toBe(422);
      expect(received).toEqual([[{ kind: 'publication', publication: { stream: 's', data: '1', meta: {} } }, { kind: 'disconnect', identifiers: 'u', reconnect: false }]]);

      await broadcaster.stop();
      await broadcaster.stop();
      expect(broadcaster.readiness().state).toBe('down');
      expect(await post({ stream: 's', data: '2' }, auth)).toBe(503);
      expect(received).toHaveLength(1);
    } finally {
      server.close();
    }
  });

  it('says in its readiness detail when no key makes it refuse everything', () => {
    const broadcaster = new HttpBroadcaster({ path: '/_broadcast', auth: broadcastAuthFor('', false), maxBodySize: 1024, logger });
    expect(broadcaster.readiness().detail).toMatch(/every request is refused \(401\)/);
  });
});
