import { IdentificationChain } from '../../../src/auth/identification-chain.js';
import { ChannelDiscovery } from '../../../src/channels/channel-discovery.js';
import { CHANNEL_FALLBACK } from '../../../src/channels/channels.tokens.js';
import { NoRpcFallback } from '../../../src/channels/no-rpc.fallback.js';
import { RpcFallback } from '../../../src/rpc/rpc.fallback.js';
import { RpcModule } from '../../../src/rpc/rpc.module.js';
import { GrpcTestRpcServer } from '../../support/grpc-rpc-server.js';
import { appContextFor } from '../../support/app-context.js';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { quietLogger, testConfig } from '../../support/modules.js';

describe('RpcModule wiring', () => {
  let rails: GrpcTestRpcServer;
  beforeAll(async () => {
    rails = await GrpcTestRpcServer.start();
  });
  afterAll(() => rails.stop());

  it('is the default fallback: RPC over gRPC, the Connect step at rank 50 after JWT, the client an edge started at boot', async () => {
    const ctx = await appContextFor(['--rpc_host', rails.target, '--jwt_secret', 'k']);
    expect(ctx.get(CHANNEL_FALLBACK)).toBeInstanceOf(RpcFallback);
    expect(ctx.get(ChannelDiscovery).router.fallbackName).toBe('rpc');
    expect(ctx.get(IdentificationChain).describe()).toEqual(['jwt', 'rpc']);
    const [edge, ...others] = ctx.get(RpcModule).edges();
    expect(others).toEqual([]);
    expect(edge.readiness().name).toBe('rpc:grpc');
    await ctx.close();
    expect(edge.readiness().state).not.toBe('up');
  });

  it('logs at debug that RPC is on, with the transport, the host and the concurrency, and no secret (the start-up line says it at info)', async () => {
    const lines: string[] = [];
    const { config } = testConfig(['--rpc_host', 'http://127.0.0.1:9/_anycable', '--rpc_concurrency', '12', '--http_rpc_secret', 'rpc-secret-value']);
    const logger = quietLogger(lines, 'debug');
    const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), { logger });
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => String(l.msg).startsWith('RPC enabled'));
    expect(line).toMatchObject({ level: 'debug', msg: 'RPC enabled: http http://127.0.0.1:9 (concurrency 12, timeout 3000 ms, auth bearer)' });
    expect(lines.join('\n')).not.toContain('rpc-secret-value');
    await ctx.close();
  });

  it('builds an HTTP client for an http(s) rpc_host', async () => {
    const ctx = await appContextFor(['--rpc_host', 'http://127.0.0.1:9/_anycable']);
    expect(ctx.get(RpcModule).edges().map((edge) => edge.readiness().name)).toEqual(['rpc:http']);
    await ctx.close();
  });

  it('leaves Connect to noauth when noauth is on (anycable-go never calls Connect then)', async () => {
    const ctx = await appContextFor(['--rpc_host', rails.target, '--noauth']);
    expect(ctx.get(IdentificationChain).describe()).toEqual(['noauth']);
    expect(ctx.get(CHANNEL_FALLBACK)).toBeInstanceOf(RpcFallback);
    await ctx.close();
  });

  it.each([['--norpc'], ['--public']])('provides the no-RPC fallback and no client with %s', async (flag) => {
    const ctx = await appContextFor([flag]);
    expect(ctx.get(CHANNEL_FALLBACK)).toBeInstanceOf(NoRpcFallback);
    expect(ctx.get(RpcModule).edges()).toEqual([]);
    expect(ctx.get(IdentificationChain).describe()).not.toContain('rpc');
    await ctx.close();
  });
});
