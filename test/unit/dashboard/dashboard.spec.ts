import type { IncomingMessage } from 'node:http';
import { dashboardAccess, sessionToken } from '../../../src/dashboard/dashboard-auth.js';
import { dashboardPage, escapeHtml, welcomePage } from '../../../src/dashboard/dashboard-pages.js';
import { DashboardStats, HISTORY_SECONDS } from '../../../src/dashboard/dashboard-stats.js';
import { resolveDashboardSettings } from '../../../src/dashboard/dashboard.options.js';
import { Counters } from '../../../src/metrics/counters.js';
import { testConfig } from '../../support/modules.js';

const app = (isPublic: boolean) => ({ app: { secret: '', noauth: isPublic, public: isPublic, derivedBroadcastKey: '' } });
const options = (overrides: Partial<{ dashboard: boolean; dashboardKey: string; dashboardPath: string }> = {}) => ({ dashboard: false, dashboardKey: '', dashboardPath: '/_dashboard', ...overrides });
const request = (headers: Record<string, string> = {}) => ({ headers }) as unknown as IncomingMessage;

describe('dashboard slice', () => {
  it('is on and open in public mode, off otherwise, and needs a key when switched on outside public mode', () => {
    expect(resolveDashboardSettings(options(), app(true))).toMatchObject({ settings: { dashboard: { path: '/_dashboard', auth: { kind: 'open' } }, welcomePage: true }, implied: { dashboard: true } });
    expect(resolveDashboardSettings(options(), app(false)).settings).toEqual({ dashboard: undefined, welcomePage: false });
    expect(resolveDashboardSettings(options({ dashboard: true }), app(false)).problems).toEqual([
      'dashboard: on, but no dashboard_key is set (the dashboard is open without a key only in public mode)',
    ]);
    expect(resolveDashboardSettings(options({ dashboard: true, dashboardKey: 'k' }), app(false)).settings.dashboard).toEqual({ path: '/_dashboard', auth: { kind: 'key', key: 'k' } });
    expect(resolveDashboardSettings(options({ dashboardKey: 'k' }), app(true)).settings.dashboard?.auth).toEqual({ kind: 'key', key: 'k' });
  });

  it('refuses a dashboard path that collides with another endpoint, and one that is not a plain path', () => {
    expect(() => testConfig(['--public', '--dashboard_path', '/cable'])).toThrow(/dashboard_path: must differ from the WebSocket, health and broadcast paths/);
    expect(() => testConfig(['--public', '--dashboard_path', '/ops/:id'])).toThrow(/dashboard_path must be \/ followed by/);
  });
});

describe('dashboard access', () => {
  const auth = { kind: 'key', key: 'k3y' } as const;

  it('turns a right ?key= into an HttpOnly SameSite cookie holding an HMAC, never the key', () => {
    const access = dashboardAccess(auth, request(), '/_dashboard', 'k3y');
    expect(access).toEqual({ kind: 'login', setCookie: `cablecar_dashboard=${sessionToken('k3y')}; Path=/_dashboard; HttpOnly; SameSite=Strict` });
    expect(dashboardAccess(auth, request(), '/_dashboard', 'nope')).toEqual({ kind: 'denied' });
  });

  it('lets in the cookie or a Bearer key, and nobody else', () => {
    expect(dashboardAccess(auth, request({ cookie: `a=1; cablecar_dashboard=${sessionToken('k3y')}` }), '/_dashboard', null)).toEqual({ kind: 'allowed' });
    expect(dashboardAccess(auth, request({ authorization: 'Bearer k3y' }), '/_dashboard', null)).toEqual({ kind: 'allowed' });
    expect(dashboardAccess(auth, request({ cookie: 'cablecar_dashboard=k3y' }), '/_dashboard', null)).toEqual({ kind: 'denied' });
    expect(dashboardAccess({ kind: 'open' }, request(), '/_dashboard', null)).toEqual({ kind: 'allowed' });
  });
});

describe('DashboardStats', () => {
  it('turns counter deltas into per-second rates, one sample a second, for five minutes at most', () => {
    const counters = new Counters();
    let now = 1_000_000;
    const hub = { streamCount: 2 };
    const stats = new DashboardStats(counters, hub, { size: 5 }, () => now);
    stats.sample();
    counters.broadcasts += 4;
    counters.deliveries += 40;
    counters.disconnected('too_slow');
    now += 2000;
    stats.sample();
    const snapshot = stats.snapshot();
    expect(snapshot.history.at(-1)).toEqual({ at: now, connections: 5, streams: 2, broadcastsPerSecond: 2, deliveriesPerSecond: 20, disconnectsPerSecond: 0.5 });
    expect(snapshot).toMatchObject({ broadcastsTotal: 4, deliveriesTotal: 40, broadcastsPerSecond: 2, disconnects: { too_slow: 1 }, rpc: { calls: 0, errors: 0 } });
    for (let i = 0; i < HISTORY_SECONDS + 10; i++) stats.sample();
    expect(stats.snapshot().history).toHaveLength(HISTORY_SECONDS);
  });

  it('lists live subscriptions by channel, leaving out channels with none', () => {
    const counters = new Counters();
    counters.subscriptionsChanged('ChatChannel', 1);
    counters.subscriptionsChanged('Gone', 1);
    counters.subscriptionsChanged('Gone', -1);
    counters.rpc.calls += 3;
    const snapshot = new DashboardStats(counters, { streamCount: 0 }, { size: 0 }).snapshot();
    expect(snapshot.subscriptions).toEqual({ ChatChannel: 1 });
    expect(snapshot.rpc).toEqual({ calls: 3, errors: 0 });
  });
});

describe('dashboard pages', () => {
  it('render paths escaped and carry no inline script', () => {
    expect(escapeHtml(`"<a>'&`)).toBe('&#34;&#60;a&#62;&#39;&#38;');
    for (const page of [dashboardPage('/_dashboard'), welcomePage({ cablePath: '/cable', broadcastPath: '/_broadcast', dashboardPath: '/_dashboard', script: '/_dashboard/assets/welcome.js' })]) {
      expect(page.match(/<script[^>]*>/g)?.every((tag) => tag.includes(' src='))).toBe(true);
    }
  });
});
