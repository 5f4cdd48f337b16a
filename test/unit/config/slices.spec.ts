import { AppOptions, deriveSecret, resolveAppSettings } from '../../../src/config/app.options.js';
import { LimitsOptions, resolveLimitsSettings } from '../../../src/config/limits.options.js';
import { LoggingOptions, resolveLoggingSettings } from '../../../src/config/logging.options.js';
import { RedisOptions, resolveRedisSettings } from '../../../src/config/redis.options.js';
import { resolveServerSettings, ServerOptions } from '../../../src/config/server.options.js';
import { resolveWsSettings, WsOptions } from '../../../src/config/ws.options.js';

/** An options object with defaults, as the loader builds it, then overridden. */
const make = <T extends object>(Options: new () => T, overrides: Partial<T> = {}): T => Object.assign(new Options(), overrides);

describe('app slice resolve', () => {
  it('derives the broadcast key from secret and nothing without one', () => {
    expect(resolveAppSettings(make(AppOptions, { secret: 's3cr3t' })).settings).toEqual({ secret: 's3cr3t', noauth: false, public: false, derivedBroadcastKey: deriveSecret('s3cr3t', 'broadcast-cable') });
    expect(resolveAppSettings(make(AppOptions)).settings.derivedBroadcastKey).toBe('');
  });

  it('lets public imply noauth, and reports the implied value', () => {
    const resolved = resolveAppSettings(make(AppOptions, { public: true }));
    expect(resolved.settings).toMatchObject({ noauth: true, public: true });
    expect(resolved.implied).toEqual({ noauth: true });
    expect(resolveAppSettings(make(AppOptions, { noauth: true })).implied).toBeUndefined();
  });
});

describe('redis slice resolve', () => {
  it('carries the one Redis URL', () => {
    expect(resolveRedisSettings(make(RedisOptions)).settings).toEqual({ url: 'redis://localhost:6379', urlGiven: false, sentinels: [], sentinelDiscoveryIntervalMs: 30000, tlsVerify: false });
    expect(resolveRedisSettings(make(RedisOptions, { redisUrl: '' })).settings.url).toBe('');
  });
});

describe('server slice resolve', () => {
  it('converts units and lower-cases header names, without duplicates', () => {
    const { settings, problems } = resolveServerSettings(make(ServerOptions, { shutdownTimeout: 2.5, identifyTimeout: 0, headers: ['Cookie', 'X-Api-Key', 'cookie'] }));
    expect(problems).toEqual([]);
    expect(settings).toMatchObject({ shutdownTimeoutMs: 2500, identifyTimeoutMs: 0, headers: ['cookie', 'x-api-key'], paths: ['/cable'], healthPath: '/health', readinessPath: '/ready' });
  });

  it('reports duplicate paths and a health path on a WebSocket path', () => {
    expect(resolveServerSettings(make(ServerOptions, { path: ['/a', '/a'], healthPath: '/a' })).problems).toEqual(['path: duplicate entries', 'health-path: must differ from the WebSocket path']);
    expect(resolveServerSettings(make(ServerOptions, { readinessPath: '/cable' })).problems).toEqual(['readiness_path: must differ from the WebSocket path']);
    expect(resolveServerSettings(make(ServerOptions, { readinessPath: '/health' })).problems).toEqual(['readiness_path: must differ from health-path']);
  });
});

describe('ws slice resolve', () => {
  it('names the units', () => {
    expect(resolveWsSettings(make(WsOptions, { pingInterval: 0, wsMaxPendingSize: 4096 })).settings).toEqual({ pingIntervalSeconds: 0, pingTimestampPrecision: 's', pongTimeoutMs: 0, maxMessageSize: 65536, maxPendingSize: 4096 });
  });

  it('warns when pong_timeout cannot be met by answering pings', () => {
    expect(resolveWsSettings(make(WsOptions, { pongTimeout: 6 })).warnings).toEqual([]);
    expect(resolveWsSettings(make(WsOptions, { pongTimeout: 6 })).settings.pongTimeoutMs).toBe(6000);
    expect(resolveWsSettings(make(WsOptions, { pongTimeout: 3 })).warnings).toEqual([expect.stringMatching(/^pong_timeout: 3 s is not longer than ping_interval/)]);
    expect(resolveWsSettings(make(WsOptions, { pongTimeout: 6, pingInterval: 0 })).warnings).toEqual([expect.stringMatching(/^pong_timeout: ping_interval is 0/)]);
  });
});

describe('limits slice resolve', () => {
  it('passes the bounds through', () => {
    expect(resolveLimitsSettings(make(LimitsOptions, { commandRate: 0 })).settings).toEqual({ maxSubscriptions: 256, maxIdentifiersPerStream: 16, commandRate: 0, commandBurst: 300, whisperRate: 20, whisperBurst: 40 });
  });
});

describe('logging slice resolve', () => {
  it('lets debug win over log_level, and reports the implied level', () => {
    expect(resolveLoggingSettings(make(LoggingOptions, { logLevel: 'warn', logFormat: 'json' }))).toEqual({ settings: { level: 'warn', format: 'json' }, problems: [], warnings: [] });
    const debug = resolveLoggingSettings(make(LoggingOptions, { logLevel: 'warn', debug: true }));
    expect(debug.settings.level).toBe('debug');
    expect(debug.implied).toEqual({ logLevel: 'debug' });
  });
});

describe('redis slice: Sentinel and TLS options', () => {
  it('parses [:password@]host:port Sentinels and keeps the first password', () => {
    const { settings, problems } = resolveRedisSettings(make(RedisOptions, { redisUrl: 'redis://mymaster/2', redisSentinels: ['10.0.0.1:26379', ':s3cret@10.0.0.2:26380'], redisSentinelDiscoveryInterval: 5, redisTlsVerify: true }));
    expect(problems).toEqual([]);
    expect(settings).toEqual({
      url: 'redis://mymaster/2',
      urlGiven: true,
      sentinels: [{ host: '10.0.0.1', port: 26379 }, { host: '10.0.0.2', port: 26380 }],
      sentinelPassword: 's3cret',
      sentinelDiscoveryIntervalMs: 5000,
      tlsVerify: true,
    });
  });

  it('reports malformed Sentinel entries once, and Sentinels without a master URL', () => {
    expect(resolveRedisSettings(make(RedisOptions, { redisSentinels: ['nohost', 'a:99999'] })).problems).toEqual(['redis_sentinels: each entry must be [:password@]host:port']);
    expect(resolveRedisSettings(make(RedisOptions, { redisUrl: '', redisSentinels: ['a:1'] })).problems).toEqual(['redis_sentinels: needs redis_url naming the master (redis://<master>)']);
  });
});
