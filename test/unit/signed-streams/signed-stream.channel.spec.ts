import { MessageVerifier } from '../../../src/signed-streams/message-verifier.js';
import { PubsubChannel } from '../../../src/channels/pubsub.channel.js';
import { CABLE_READY_CHANNEL, SignedStreamChannel, TURBO_STREAMS_CHANNEL } from '../../../src/signed-streams/signed-stream.channel.js';
import { testContext } from '../../support/contexts.js';

const ctx = testContext();
const verifier = new MessageVerifier({ keys: ['k'] });

describe('SignedStreamChannel', () => {
  const turbo = new SignedStreamChannel({ param: 'signed_stream_name', verifier });
  const cableReady = new SignedStreamChannel({ param: 'identifier', verifier });

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
});

describe('PubsubChannel with a signed-stream verifier', () => {
  const make = (whisperOnSigned: boolean, publicStreams = false) => new PubsubChannel({ publicStreams, whisperOnSigned, verifier });

  it('whispers on signed streams only with streams_whisper (the $w state of the subscription)', () => {
    const params = { channel: '$pubsub', signed_stream_name: verifier.generate('room') };
    expect(make(false).subscribe(ctx, 'id', params)).toEqual({ kind: 'confirmed', streams: ['room'] });
    expect(make(true).subscribe(ctx, 'id', params)).toEqual({ kind: 'confirmed', streams: ['room'], istate: { $w: 'room' } });
  });

  it('accepts stream_name only with public streams, always with whisper', () => {
    expect(make(false).subscribe(ctx, 'id', { channel: '$pubsub', stream_name: 'pub' })).toMatchObject({ kind: 'rejected' });
    expect(make(false, true).subscribe(ctx, 'id', { channel: '$pubsub', stream_name: 'pub' })).toEqual({ kind: 'confirmed', streams: ['pub'], istate: { $w: 'pub' } });
  });
});
