import { BroadcastOptions, resolveBroadcastSettings } from '../../../src/broadcast/broadcast.options.js';
import { AppOptions, deriveSecret, resolveAppSettings } from '../../../src/config/app.options.js';

const resolve = (broadcast: Partial<BroadcastOptions> = {}, app: Partial<AppOptions> = {}) =>
  resolveBroadcastSettings(Object.assign(new BroadcastOptions(), broadcast), { app: resolveAppSettings(Object.assign(new AppOptions(), app)).settings });

describe('broadcast slice resolve', () => {
  it('uses broadcast_key, else the key the app slice derives from secret, and reports the implied key', () => {
    expect(resolve({ broadcastKey: 'k' }, { secret: 's' }).settings.http?.auth).toEqual({ kind: 'key', key: 'k' });
    const derived = resolve({}, { secret: 's' });
    expect(derived.settings.http?.auth).toEqual({ kind: 'key', key: deriveSecret('s', 'broadcast-cable') });
    expect(derived.implied).toEqual({ broadcastKey: deriveSecret('s', 'broadcast-cable') });
  });

  it('accepts keyless broadcasts only in public mode, and refuses them otherwise', () => {
    expect(resolve({}, { public: true }).settings.http?.auth).toEqual({ kind: 'public' });
    expect(resolve().settings.http?.auth).toEqual({ kind: 'disabled' });
  });

  it('describes the HTTP endpoint, or none when the http adapter is off', () => {
    expect(resolve({ httpBroadcastPath: '/in', httpBroadcastMaxBodySize: 2048 }).settings.http).toMatchObject({ path: '/in', maxBodySize: 2048 });
    expect(resolve({ broadcastAdapter: [] }).settings.http).toBeUndefined();
  });
});
