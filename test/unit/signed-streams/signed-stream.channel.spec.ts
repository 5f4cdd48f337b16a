import type { Channel, ChannelContext, PerformOutcome } from '../../../src/channels/channel.js';
import { MessageVerifier } from '../../../src/signed-streams/message-verifier.js';
import { PubsubChannel } from '../../../src/channels/pubsub.channel.js';
import { CABLE_READY_CHANNEL, SignedStreamChannel, TURBO_STREAMS_CHANNEL } from '../../../src/signed-streams/signed-stream.channel.js';

const ctx: ChannelContext = { sid: 's1', identifiers: '{}' };
const verifier = new MessageVerifier({ keys: ['k'] });

/** A strict fallback double that records perform calls. */
class RecordingFallback implements Channel {
  readonly name = '*';
  readonly performed: Array<[string, string]> = [];
  subscribe(): never {
    throw new Error('signed channels must not subscribe through the fallback');
  }
  perform(_ctx: ChannelContext, identifier: string, data: string): PerformOutcome {
    this.performed.push([identifier, data]);
    return { kind: 'performed', transmissions: ['ok'] };
  }
}

describe('SignedStreamChannel', () => {
  const fallback = new RecordingFallback();
  const turbo = new SignedStreamChannel({ name: TURBO_STREAMS_CHANNEL, param: 'signed_stream_name', verifier, router: { fallback } });
  const cableReady = new SignedStreamChannel({ name: CABLE_READY_CHANNEL, param: 'identifier', verifier, router: { fallback } });

  it('confirms a valid signed name with its stream and no whisper', () => {
    const outcome = turbo.subscribe(ctx, 'id', { channel: TURBO_STREAMS_CHANNEL, signed_stream_name: verifier.generate('chat:1') });
    expect(outcome).toEqual({ kind: 'confirmed', streams: ['chat:1'] });
  });

  it('reads CableReady names from the identifier param', () => {
    expect(cableReady.subscribe(ctx, 'id', { channel: CABLE_READY_CHANNEL, identifier: verifier.generate('gid://a/U/1') })).toEqual({ kind: 'confirmed', streams: ['gid://a/U/1'] });
    expect(cableReady.subscribe(ctx, 'id', { channel: CABLE_READY_CHANNEL, signed_stream_name: verifier.generate('x') })).toMatchObject({ kind: 'rejected' });
  });

  it.each([
    ['missing name', {}],
    ['non-string name', { signed_stream_name: 42 }],
    ['bad signature', { signed_stream_name: new MessageVerifier({ keys: ['other'] }).generate('chat:1') }],
    ['non-string value', { signed_stream_name: verifier.generate({ a: 1 }) }],
  ])('rejects a %s', (_label, params) => {
    expect(turbo.subscribe(ctx, 'id', { channel: TURBO_STREAMS_CHANNEL, ...params })).toMatchObject({ kind: 'rejected', reason: expect.any(String) });
  });

  it('hands message commands to the router fallback, read at call time', () => {
    const router = { fallback: new RecordingFallback() as Channel };
    const channel = new SignedStreamChannel({ name: TURBO_STREAMS_CHANNEL, param: 'signed_stream_name', verifier, router });
    const later = new RecordingFallback();
    router.fallback = later;
    expect(channel.perform(ctx, 'id', '{"action":"x"}')).toEqual({ kind: 'performed', transmissions: ['ok'] });
    expect(later.performed).toEqual([['id', '{"action":"x"}']]);
  });
});

describe('PubsubChannel with a signed-stream verifier', () => {
  const fallback = new RecordingFallback();
  const make = (whisperOnSigned: boolean, publicStreams = false) => new PubsubChannel({ publicStreams, whisperOnSigned, verifier, router: { fallback } });

  it('whispers on signed streams only with streams_whisper', () => {
    const params = { channel: '$pubsub', signed_stream_name: verifier.generate('room') };
    expect(make(false).subscribe(ctx, 'id', params)).toEqual({ kind: 'confirmed', streams: ['room'], whisperStream: undefined });
    expect(make(true).subscribe(ctx, 'id', params)).toEqual({ kind: 'confirmed', streams: ['room'], whisperStream: 'room' });
  });

  it('accepts stream_name only with public streams, always with whisper', () => {
    expect(make(false).subscribe(ctx, 'id', { channel: '$pubsub', stream_name: 'pub' })).toMatchObject({ kind: 'rejected' });
    expect(make(false, true).subscribe(ctx, 'id', { channel: '$pubsub', stream_name: 'pub' })).toEqual({ kind: 'confirmed', streams: ['pub'], whisperStream: 'pub' });
  });

  it('hands message commands to the fallback', () => {
    make(false).perform(ctx, 'id', '{}');
    expect(fallback.performed).toEqual([['id', '{}']]);
  });
});
