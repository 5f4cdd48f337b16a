import { readFileSync } from 'node:fs';
import { deriveSecret } from '../../../src/config/app.options.js';
import { batchBody, broadcastBody, deriveBroadcastKey, disconnectBody, railsJson, type BroadcastOptions } from '../../../src/publisher/publisher.js';

/** Bodies made by Ruby (test/fixtures/publisher/generate.rb): what a Rails app sends through anycable-rb. */
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/publisher/vectors.json', import.meta.url), 'utf8')) as {
  broadcasts: { name: string; stream: string; message: unknown; meta: BroadcastOptions | null; body: string }[];
  batch: { items: { stream: string; message: unknown }[]; body: string };
  disconnect: { identifiers: string; reconnect: boolean; body: string };
};

describe('publisher bodies, byte for byte as Rails sends them', () => {
  it.each(vectors.broadcasts.map((v) => [v.name, v] as const))('%s', (_name, v) => {
    expect(broadcastBody(v.stream, v.message, v.meta ?? undefined)).toBe(v.body);
  });

  it('a batch', () => {
    expect(batchBody(vectors.batch.items)).toBe(vectors.batch.body);
  });

  it('a remote disconnect command', () => {
    expect(disconnectBody(vectors.disconnect.identifiers, vectors.disconnect.reconnect)).toBe(vectors.disconnect.body);
  });

  it('escapes what ActiveSupport escapes and nothing else', () => {
    expect(railsJson({ s: '<&>\u2028\u2029/é' })).toBe('{"s":"\\u003c\\u0026\\u003e\\u2028\\u2029/é"}');
    expect(railsJson(undefined)).toBe('null');
  });

  it('derives the broadcast key exactly as the server does from secret', () => {
    expect(deriveBroadcastKey('s3cret')).toBe(deriveSecret('s3cret', 'broadcast-cable'));
  });
});
