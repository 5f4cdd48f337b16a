import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { JwksKeySource } from '../../../src/auth/jwt/jwks.key-source.js';
import { FileJwksLoader, HttpJwksLoader, jwksLoaderFor, type JwksLoader } from '../../../src/auth/jwt/jwks-loader.js';
import { JWT_FIXTURES } from './jwt-fixtures.js';

const jwks = readFileSync(join(JWT_FIXTURES, 'jwks.json'), 'utf8');
const rotated = readFileSync(join(JWT_FIXTURES, 'jwks-rotated.json'), 'utf8');

class StubLoader implements JwksLoader {
  readonly location = 'stub';
  loads = 0;
  constructor(public responses: (string | Error)[]) {}
  async load(): Promise<string> {
    const next = this.responses[Math.min(this.loads++, this.responses.length - 1)];
    if (next instanceof Error) throw next;
    return next;
  }
}

describe('JwksKeySource', () => {
  it('loads at start and keeps the last good keys when a refresh fails', async () => {
    const loader = new StubLoader([jwks, new Error('HTTP 500'), 'not json']);
    const source = new JwksKeySource(loader, { refreshMs: 60_000 });
    expect(source.readiness()).toEqual({ name: 'jwks', state: 'starting' });
    await source.start();
    expect(source.readiness()).toEqual({ name: 'jwks', state: 'up', detail: '5 keys' });
    const count = source.keys().length;
    expect(count).toBe(5);
    expect(await source.refresh()).toBe(false);
    expect(source.readiness()).toEqual({ name: 'jwks', state: 'down', detail: 'HTTP 500; serving 5 previous keys', required: false });
    expect(await source.refresh()).toBe(false);
    expect(source.keys()).toHaveLength(count);
    await source.stop();
  });

  it('reports down after a failed first load and up once a timer refresh succeeds', async () => {
    const source = new JwksKeySource(new StubLoader([new Error('ECONNREFUSED'), jwks]), { refreshMs: 60_000 });
    await source.start();
    expect(source.readiness()).toMatchObject({ state: 'down', detail: 'ECONNREFUSED; serving 0 previous keys' });
    await source.refresh();
    expect(source.readiness().state).toBe('up');
    await source.stop();
    await source.stop();
  });

  it('rate-limits refreshes triggered by unknown kids', async () => {
    let now = 0;
    const loader = new StubLoader([jwks, rotated]);
    const source = new JwksKeySource(loader, { refreshMs: 60_000, minRefreshGapMs: 10_000, clock: { now: () => now } });
    await source.start();
    expect(await source.refreshForUnknownKid()).toBe(true);
    expect(source.keys().some((k) => k.kid === 'rsa-2')).toBe(true);
    now = 5_000;
    expect(await source.refreshForUnknownKid()).toBe(false);
    now = 10_000;
    expect(await source.refreshForUnknownKid()).toBe(true);
    expect(loader.loads).toBe(3);
    await source.stop();
  });

  it('deduplicates concurrent refreshes', async () => {
    const loader = new StubLoader([jwks]);
    const source = new JwksKeySource(loader, { refreshMs: 60_000 });
    await Promise.all([source.refresh(), source.refresh(), source.refreshForUnknownKid()]);
    expect(loader.loads).toBe(1);
  });
});

describe('jwksLoaderFor', () => {
  it('picks HTTP for http(s) URLs and a file loader otherwise', async () => {
    expect(jwksLoaderFor('https://issuer/.well-known/jwks.json')).toBeInstanceOf(HttpJwksLoader);
    const file = jwksLoaderFor(`file://${join(JWT_FIXTURES, 'jwks.json')}`);
    expect(file).toBeInstanceOf(FileJwksLoader);
    expect(await file.load()).toBe(jwks);
  });
});
