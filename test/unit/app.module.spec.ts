import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ConfigService } from '@nestjs/config';
import { AppModule } from '../../src/app.module.js';
import { METRICS_SETTINGS } from '../../src/metrics/metrics.tokens.js';
import { IdentificationChain } from '../../src/auth/identification-chain.js';
import { JWT_SETTINGS } from '../../src/auth/jwt/jwt.tokens.js';
import { BROADCAST_SETTINGS } from '../../src/broadcast/broadcast.tokens.js';
import { CAPABILITIES } from '../../src/capabilities.js';
import { ChannelDiscovery } from '../../src/channels/channel-discovery.js';
import * as configTokens from '../../src/config/config.tokens.js';
import { APP_SETTINGS, LIMITS_SETTINGS, LOGGING_SETTINGS, NATS_SETTINGS, REDIS_SETTINGS, SERVER_SETTINGS, WS_SETTINGS } from '../../src/config/config.tokens.js';
import { DASHBOARD_SETTINGS } from '../../src/dashboard/dashboard.tokens.js';
import { EXTENSIONS_SETTINGS } from '../../src/extensions/extensions.tokens.js';
import { Hub } from '../../src/hub/hub.js';
import { RPC_SETTINGS } from '../../src/rpc/rpc.tokens.js';
import { STREAMS_SETTINGS } from '../../src/signed-streams/signed-streams.tokens.js';
import { quietLogger, testConfig } from '../support/modules.js';

async function contextFor(argv: string[], env: Record<string, string> = {}) {
  const logger = quietLogger();
  return NestFactory.createApplicationContext(AppModule.forRoot(testConfig(argv, env).config, logger), { logger });
}

describe('AppModule wiring', () => {
  it("wires the hub, the $pubsub channel and, by default, RPC identification (anycable-go's localhost:50051)", async () => {
    const ctx = await contextFor([]);
    expect(ctx.get(Hub)).toBeInstanceOf(Hub);
    expect(ctx.get(ChannelDiscovery).router.localChannels()).toContain('$pubsub');
    expect(ctx.get(ChannelDiscovery).router.fallbackName).toBe('rpc');
    expect(ctx.get(IdentificationChain).describe()).toEqual(['rpc']);
    expect(ctx.get(ConfigService).get('port')).toBe(8080);
    await ctx.close();
  });

  it('has no identification at all with --norpc', async () => {
    const ctx = await contextFor(['--norpc']);
    expect(ctx.get(IdentificationChain).describe()).toEqual([]);
    expect(ctx.get(ChannelDiscovery).router.fallbackName).toBe('none');
    await ctx.close();
  });

  it('registers the noauth identifier in --noauth mode', async () => {
    const ctx = await contextFor(['--noauth']);
    expect(ctx.get(IdentificationChain).describe()).toEqual(['noauth']);
    await ctx.close();
  });

  it('provides each slice, frozen, under its own token and no whole-config token', async () => {
    const { config } = testConfig(['--port', '9001']);
    const ctx = await contextFor(['--port', '9001']);
    const tokens = { server: SERVER_SETTINGS, app: APP_SETTINGS, ws: WS_SETTINGS, limits: LIMITS_SETTINGS, broadcast: BROADCAST_SETTINGS, jwt: JWT_SETTINGS, redis: REDIS_SETTINGS, nats: NATS_SETTINGS, streams: STREAMS_SETTINGS, rpc: RPC_SETTINGS, logging: LOGGING_SETTINGS, dashboard: DASHBOARD_SETTINGS, extensions: EXTENSIONS_SETTINGS, metrics: METRICS_SETTINGS };
    expect(Object.keys(tokens).sort()).toEqual(CAPABILITIES.map((c) => c.name).sort());
    for (const [name, token] of Object.entries(tokens)) {
      const slice = ctx.get(token);
      expect(slice).toEqual(config.settings[name as keyof typeof tokens]);
      expect(Object.isFrozen(slice)).toBe(true);
    }
    expect(ctx.get(SERVER_SETTINGS).port).toBe(9001);
    expect(Object.keys(configTokens)).not.toContain('CABLE_CONFIG');
    await ctx.close();
  });
});

describe('ConfigService for user extensions', () => {
  const secrets = {
    ANYCABLE_SECRET: 'app-secret-value',
    ANYCABLE_BROADCAST_KEY: 'broadcast-key-value',
    ANYCABLE_JWT_SECRET: 'jwt-secret-value',
    ANYCABLE_STREAMS_SECRET: 'streams-secret-value',
    ANYCABLE_REDIS_URL: 'redis://:redis-password@localhost:6379',
  };

  it('holds the non-secret option values and no secret, not even from process.env', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, secrets);
    try {
      const ctx = await contextFor(['--public', '--debug', '--broadcast_adapter', 'http', '--pubsub', 'none'], secrets);
      const service = ctx.get(ConfigService);
      expect(service.get('port')).toBe(8080);
      expect(service.get('path')).toEqual(['/cable']);
      expect(service.get('noauth')).toBe(true);
      expect(service.get('logLevel')).toBe('debug');
      for (const key of ['secret', 'broadcastKey', 'jwtSecret', 'streamsSecret', 'redisUrl', ...Object.keys(secrets)]) expect(service.get(key)).toBeUndefined();
      const everything = JSON.stringify((service as unknown as { internalConfig: unknown }).internalConfig);
      for (const value of Object.values(secrets)) expect(everything).not.toContain(value);
      expect(everything).not.toContain('redis-password');
      await ctx.close();
    } finally {
      for (const key of Object.keys(secrets)) {
        if (key in saved) process.env[key] = saved[key];
        else delete process.env[key];
      }
    }
  });
});
