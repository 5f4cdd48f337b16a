import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { ChannelRouter } from '../../../src/channels/channel-router.js';
import { MessageVerifier } from '../../../src/signed-streams/message-verifier.js';
import { SignedStreamChannel } from '../../../src/signed-streams/signed-stream.channel.js';
import { SignedStreams } from '../../../src/signed-streams/signed-streams.service.js';
import { STREAMS_SETTINGS } from '../../../src/signed-streams/signed-streams.tokens.js';
import { quietLogger, testConfig } from '../../support/modules.js';

async function contextFor(argv: string[], env: Record<string, string> = {}) {
  const { config, warnings } = testConfig(argv, env);
  const lines: string[] = [];
  const logger = quietLogger(lines);
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), { logger });
  return { ctx, lines, warnings, config };
}

describe('SignedStreamsModule wiring', () => {
  it('replaces $pubsub with one that verifies signed names, and registers no Turbo/CableReady by default', async () => {
    const { ctx } = await contextFor(['--streams_secret', 'k']);
    const router = ctx.get(ChannelRouter);
    const signed = new MessageVerifier({ keys: ['k'] }).generate('room');
    expect(router.route('$pubsub').subscribe({ sid: 's', identifiers: '{}' }, 'id', { channel: '$pubsub', signed_stream_name: signed })).toMatchObject({
      kind: 'confirmed',
      streams: ['room'],
    });
    expect(router.localChannels().sort()).toEqual(['$pubsub']);
    expect(ctx.get(SignedStreams)).toBeInstanceOf(SignedStreams);
    await ctx.close();
  });

  it('registers Turbo::StreamsChannel and CableReady::Stream when enabled with a key (flags and env)', async () => {
    const { ctx } = await contextFor(['--turbo_streams', '--turbo_streams_secret', 't'], { ANYCABLE_CABLE_READY: 'true', ANYCABLE_SECRET: 's' });
    const router = ctx.get(ChannelRouter);
    expect(router.route('Turbo::StreamsChannel')).toBeInstanceOf(SignedStreamChannel);
    expect(router.route('CableReady::Stream')).toBeInstanceOf(SignedStreamChannel);
    await ctx.close();
  });

  it('still enables Turbo with the deprecated turbo_rails_key (the loader reports the deprecation, never the key)', async () => {
    const { ctx, lines, warnings } = await contextFor(['--turbo_rails_key', 'legacy']);
    expect(ctx.get(ChannelRouter).route('Turbo::StreamsChannel')).toBeInstanceOf(SignedStreamChannel);
    expect(warnings).toEqual(['turbo_rails_key is deprecated: use turbo_streams_secret and turbo_streams']);
    expect([...warnings, ...lines].join('\n')).not.toContain('legacy');
    await ctx.close();
  });

  it('builds SignedStreams from the STREAMS_SETTINGS slice the loader resolved, and $pubsub with public streams in public mode', async () => {
    const { ctx, config } = await contextFor(['--public']);
    expect(ctx.get(STREAMS_SETTINGS)).toBe(config.settings.streams);
    expect(ctx.get(SignedStreams).settings).toBe(config.settings.streams);
    const confirmed = ctx.get(ChannelRouter).route('$pubsub').subscribe({ sid: 's', identifiers: '{}' }, 'id', { channel: '$pubsub', stream_name: 'chat' });
    expect(confirmed).toMatchObject({ kind: 'confirmed', streams: ['chat'] });
    await ctx.close();
  });
});
