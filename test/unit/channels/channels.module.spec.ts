import 'reflect-metadata';
import { Injectable, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { startCable } from '../../../src/bootstrap.js';
import { ChannelDiscovery } from '../../../src/channels/channel-discovery.js';
import { ContributesChannels, type ChannelContributor, type ChannelRegistration } from '../../../src/channels/channel-registration.js';
import { ChannelsModule } from '../../../src/channels/channels.module.js';
import { CHANNEL_FALLBACK } from '../../../src/channels/channels.tokens.js';
import { CableConfigModule } from '../../../src/config/cable-config.module.js';
import { loadCableConfig as loadConfig } from '../../../src/capabilities.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';
import { RecordingFallback, ScriptedChannel } from '../../support/channel-doubles.js';
import { testContext } from '../../support/contexts.js';

const config = (argv: string[] = []) => {
  const outcome = loadConfig({ argv: ['--ignore-config-path', ...argv], env: {}, cwd: '/' });
  if (outcome.kind !== 'ok') throw new Error(JSON.stringify(outcome));
  return outcome.config;
};
const quiet = () => new CableLogger({ level: 'error', format: 'json', write: () => undefined });

/** A module whose one provider contributes `registrations`. */
function contributing(...registrations: ChannelRegistration[]): DynamicModule {
  @Injectable()
  @ContributesChannels()
  class Contributor implements ChannelContributor {
    channelRegistrations(): readonly ChannelRegistration[] {
      return registrations;
    }
  }
  @Module({ providers: [Contributor] })
  class ContributingModule {}
  return { module: ContributingModule };
}

const recordingFallback = new RecordingFallback();
@Module({ providers: [{ provide: CHANNEL_FALLBACK, useValue: recordingFallback }], exports: [CHANNEL_FALLBACK] })
class RecordingFallbackModule {}

async function boot(imports: DynamicModule[], fallback?: typeof RecordingFallbackModule) {
  const logger = quiet();
  @Module({ imports: [CableConfigModule.forRoot(config(), logger), ChannelsModule.forRoot({ fallback }), ...imports] })
  class RootModule {}
  return NestFactory.createApplicationContext(RootModule, { logger, abortOnError: false });
}

describe('ChannelsModule wiring', () => {
  it('discovers contributed channels from any module and uses NoRpcFallback by default', async () => {
    const chat = new ScriptedChannel();
    const ctx = await boot([contributing({ name: 'ChatChannel', channel: chat, messages: 'channel' }), contributing()]);
    const router = ctx.get(ChannelDiscovery).router;
    expect(router.localChannels()).toEqual(['ChatChannel']);
    expect(router.fallbackName).toBe('none');
    router.route('ChatChannel').subscribe(testContext(), 'id', { channel: 'ChatChannel' });
    expect(chat.calls).toHaveLength(1);
    expect(router.route('Elsewhere').subscribe(testContext(), 'id', { channel: 'Elsewhere' })).toMatchObject({ kind: 'rejected' });
    await ctx.close();
  });

  it('uses the fallback of the module it is given', async () => {
    const ctx = await boot([], RecordingFallbackModule);
    const router = ctx.get(ChannelDiscovery).router;
    expect(router.fallbackName).toBe('recording');
    router.route('ChatChannel').perform(testContext(), 'id', '{}');
    expect(recordingFallback.calls.map((c) => c.command)).toEqual(['perform']);
    await ctx.close();
  });

  it('fails start-up with CABLE_ERR_CHANNEL_DUPLICATE when two modules claim one name', async () => {
    const channel = new ScriptedChannel();
    await expect(boot([contributing({ name: 'ChatChannel', channel, messages: 'channel' }), contributing({ name: 'ChatChannel', channel, messages: 'channel' })])).rejects.toMatchObject({
      code: 'CABLE_ERR_CHANNEL_DUPLICATE',
    });
  });

  it('makes startCable fail with that code (not as a listen error) when an extension takes $pubsub without override', async () => {
    const channel = new ScriptedChannel();
    const start = startCable(config(['--port', '0', '--host', '127.0.0.1']), { logger: quiet(), imports: [contributing({ name: '$pubsub', channel, messages: 'channel' })] });
    await expect(start).rejects.toMatchObject({ code: 'CABLE_ERR_CHANNEL_DUPLICATE', message: expect.stringContaining('override: true') });
  });

  it('lets an extension replace $pubsub with override: true in the full app', async () => {
    const channel = new ScriptedChannel();
    const running = await startCable(config(['--port', '0', '--host', '127.0.0.1']), { logger: quiet(), imports: [contributing({ name: '$pubsub', channel, messages: 'channel', override: true })] });
    running.app.get(ChannelDiscovery).router.route('$pubsub').subscribe(testContext(), 'id', { channel: '$pubsub' });
    expect(channel.calls).toHaveLength(1);
    await running.close();
  });
});
