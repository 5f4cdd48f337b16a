import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../../src/app.module.js';
import { ChannelDiscovery } from '../../../src/channels/channel-discovery.js';
import { RPC_OFF } from '../../../src/channels/no-rpc.fallback.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';
import { MessageVerifier } from '../../../src/signed-streams/message-verifier.js';
import { SignedStreams } from '../../../src/signed-streams/signed-streams.service.js';
import { testContext } from '../../support/contexts.js';

async function contextFor(argv: string[], env: Record<string, string> = {}) {
  const outcome = loadConfig({ argv: ['--ignore-config-path', ...argv], env, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error(`bad config: ${JSON.stringify(outcome)}`);
  const lines: string[] = [];
  const logger = new CableLogger({ level: 'info', format: 'json', write: (line) => lines.push(line) });
  const ctx = await NestFactory.createApplicationContext(AppModule.forRoot(outcome.config, logger), { logger });
  return { ctx, lines };
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
    const { ctx } = await contextFor(['--turbo_streams', '--turbo_streams_secret', 't'], { ANYCABLE_CABLE_READY: 'true', ANYCABLE_SECRET: 's' });
    const router = ctx.get(ChannelDiscovery).router;
    expect(router.localChannels().sort()).toEqual(['$pubsub', 'CableReady::Stream', 'Turbo::StreamsChannel']);
    const turbo = new MessageVerifier({ keys: ['t'] }).generate('chat');
    expect(router.route('Turbo::StreamsChannel').subscribe(testContext(), 'id', { channel: 'Turbo::StreamsChannel', signed_stream_name: turbo })).toEqual({ kind: 'confirmed', streams: ['chat'] });
    for (const name of ['$pubsub', 'Turbo::StreamsChannel', 'CableReady::Stream']) {
      expect(router.route(name).perform(testContext(), 'id', '{"action":"x"}')).toEqual({ kind: 'ignored', reason: RPC_OFF });
    }
    await ctx.close();
  });

  it('logs a warning for the deprecated turbo_rails_key and still enables Turbo', async () => {
    const { ctx, lines } = await contextFor(['--turbo_rails_key', 'legacy']);
    expect(ctx.get(ChannelDiscovery).router.localChannels()).toContain('Turbo::StreamsChannel');
    expect(lines.join('\n')).toContain('turbo_rails_key is deprecated');
    expect(lines.join('\n')).not.toContain('legacy');
    await ctx.close();
  });
});
