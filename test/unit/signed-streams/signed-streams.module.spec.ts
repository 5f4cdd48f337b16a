import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { ChannelDiscovery } from '../../../src/channels/channel-discovery.js';
import { RPC_OFF } from '../../../src/channels/no-rpc.fallback.js';
import { MessageVerifier } from '../../../src/signed-streams/message-verifier.js';
import { SignedStreams } from '../../../src/signed-streams/signed-streams.service.js';
import { STREAMS_SETTINGS } from '../../../src/signed-streams/signed-streams.tokens.js';
import { testContext } from '../../support/contexts.js';
import { quietLogger, testConfig } from '../../support/modules.js';

async function contextFor(argv: string[], env: Record<string, string> = {}) {
  const { config, warnings } = testConfig(argv, env);
  const lines: string[] = [];
  const logger = quietLogger(lines);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), { logger });
  return { ctx, lines, warnings, config };
}

describe('SignedStreamsModule wiring', () => {
  it('contributes a $pubsub that verifies signed names, and no Turbo/CableReady by default', async () => {
    const { ctx } = await contextFor(['--streams_secret', 'k']);
    const router = ctx.get(ChannelDiscovery).router;
    const signed = new MessageVerifier({ keys: ['k'] }).generate('room');
    expect(router.route('$pubsub').subscribe(testContext(), 'id', { channel: '$pubsub', signed_stream_name: signed })).toMatchObject({
      kind: 'confirmed',
      streams: ['room'],
    });
    expect(router.localChannels().sort()).toEqual(['$pubsub']);
    expect(ctx.get(SignedStreams)).toBeInstanceOf(SignedStreams);
    await ctx.close();
  });

  it('contributes Turbo::StreamsChannel and CableReady::Stream when enabled with a key (flags and env), their messages going to the fallback', async () => {
    const { ctx } = await contextFor(['--turbo_streams', '--turbo_streams_secret', 't', '--norpc'], { ANYCABLE_CABLE_READY: 'true', ANYCABLE_SECRET: 's' });
    const router = ctx.get(ChannelDiscovery).router;
    expect(router.localChannels().sort()).toEqual(['$pubsub', 'CableReady::Stream', 'Turbo::StreamsChannel']);
    const turbo = new MessageVerifier({ keys: ['t'] }).generate('chat');
    expect(router.route('Turbo::StreamsChannel').subscribe(testContext(), 'id', { channel: 'Turbo::StreamsChannel', signed_stream_name: turbo })).toEqual({ kind: 'confirmed', streams: ['chat'] });
    for (const name of ['$pubsub', 'Turbo::StreamsChannel', 'CableReady::Stream']) {
      expect(router.route(name).perform(testContext(), 'id', '{"action":"x"}')).toEqual({ kind: 'ignored', reason: RPC_OFF });
    }
    await ctx.close();
  });

  it('still enables Turbo with the deprecated turbo_rails_key (the loader reports the deprecation, never the key)', async () => {
    const { ctx, lines, warnings } = await contextFor(['--turbo_rails_key', 'legacy']);
    expect(ctx.get(ChannelDiscovery).router.localChannels()).toContain('Turbo::StreamsChannel');
    expect(warnings).toEqual(['turbo_rails_key is deprecated: use turbo_streams_secret and turbo_streams']);
    expect([...warnings, ...lines].join('\n')).not.toContain('legacy');
    await ctx.close();
  });

  it('builds SignedStreams from the STREAMS_SETTINGS slice the loader resolved, and $pubsub with public streams in public mode', async () => {
    const { ctx, config } = await contextFor(['--public']);
    expect(ctx.get(STREAMS_SETTINGS)).toBe(config.settings.streams);
    expect(ctx.get(SignedStreams).settings).toBe(config.settings.streams);
    const confirmed = ctx.get(ChannelDiscovery).router.route('$pubsub').subscribe(testContext(), 'id', { channel: '$pubsub', stream_name: 'chat' });
    expect(confirmed).toMatchObject({ kind: 'confirmed', streams: ['chat'] });
    await ctx.close();
  });
});
