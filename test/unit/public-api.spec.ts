/**
 * The package entries export a small, deliberate surface: this list changes
 * only on purpose, and docs/extending.md names every export.
 */
import { readFileSync } from 'node:fs';

const MAIN_ENTRY = [
  'Action',
  'CableChannel',
  'CableError',
  'CableExtensionModule',
  'CableLogger',
  'CablecarModule',
  'ERROR_CODES',
  'IdentificationStep',
  'Ingest',
  'JWT_RANK',
  'NOAUTH_RANK',
  'Option',
  'RPC_RANK',
  'attachCable',
  'defineExtension',
  'defineExtensionOptions',
  'issueToken',
  'loadCableConfig',
  'optionsTable',
  'startCable',
];

const PUBLISHER_ENTRY = ['HttpPublisher', 'RedisPublisher', 'batchBody', 'broadcastBody', 'deriveBroadcastKey', 'disconnectBody', 'railsJson'];

describe('the public API', () => {
  it('exports exactly these values from `cablecar` and `cablecar/publisher`', async () => {
    expect(Object.keys(await import('../../src/index.js')).sort()).toEqual(MAIN_ENTRY);
    expect(Object.keys(await import('../../src/publisher/index.js')).sort()).toEqual(PUBLISHER_ENTRY);
  });

  it('is described in docs/extending.md, export by export', () => {
    const docs = readFileSync(new URL('../../docs/extending.md', import.meta.url), 'utf8');
    expect([...MAIN_ENTRY, ...PUBLISHER_ENTRY].filter((name) => !docs.includes(`\`${name}`))).toEqual([]);
  });

  it('is what package.json exports, with types', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { exports: Record<string, unknown> };
    expect(pkg.exports).toEqual({
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './publisher': { types: './dist/publisher/index.d.ts', default: './dist/publisher/index.js' },
      './package.json': './package.json',
    });
  });
});
