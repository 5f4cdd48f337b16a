/**
 * Property-based fuzzing of signed stream names (docs/signed-streams.md) on the
 * three channels that verify them: `$pubsub` (`signed_stream_name`),
 * `Turbo::StreamsChannel` and `CableReady::Stream`. Valid names come from the
 * Ruby fixtures (test/fixtures/signed-streams) and from signing here; any other
 * string is never confirmed.
 */
import fc from 'fast-check';
import { startApp, type TestApp } from '../support/app.js';
import { RawClient } from '../support/raw-client.js';
import { vectors } from '../unit/signed-streams/fixtures.js';
import { framesBeforeSentinel, FUZZ_TIMEOUT_MS, FuzzHarness, mutationOf, signStreamName, type Edit } from './support.js';

const BROADCAST_KEY = 'fuzz-broadcast-key';
const AUTH = { Authorization: `Bearer ${BROADCAST_KEY}` };
const KEYS = vectors.keys;

/** Each channel that verifies names: its key and how a name goes in the identifier. */
const CHANNELS = {
  $pubsub: { key: KEYS.streams, identifier: (name: unknown) => JSON.stringify({ channel: '$pubsub', signed_stream_name: name }) },
  turbo: { key: KEYS.turbo, identifier: (name: unknown) => JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: name }) },
  cableReady: { key: KEYS.cable_ready, identifier: (name: unknown) => JSON.stringify({ channel: 'CableReady::Stream', identifier: name }) },
} as const;
type ChannelName = keyof typeof CHANNELS;
const channelArb = fc.constantFrom(...(Object.keys(CHANNELS) as ChannelName[]));

/** Names made by Ruby (ActiveSupport, anycable-rb) that this app's keys verify, by channel. */
const RUBY_NAMES: Array<{ channel: ChannelName; name: string }> = vectors.cases
  .filter((c) => c.expect.kind === 'verified' && !c.verifier.purpose && (c.verifier.digest ?? 'sha256') === 'sha256' && c.verifier.keys.length === 1)
  .flatMap((c) => {
    const channel = ({ streams: '$pubsub', turbo: 'turbo', cable_ready: 'cableReady' } as Record<string, ChannelName>)[c.verifier.keys[0]];
    return channel ? [{ channel, name: c.signed }] : [];
  });

/** A valid name: one of Ruby's, or a random stream signed here (strict or URL-safe base64). */
const validNameArb: fc.Arbitrary<{ channel: ChannelName; name: string }> = fc.oneof(
  fc.constantFrom(...RUBY_NAMES),
  fc.record({ channel: channelArb, stream: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), urlSafe: fc.boolean() }).map(({ channel, stream, urlSafe }) => ({ channel, name: signStreamName(stream, CHANNELS[channel].key, { urlSafe }) })),
);

/** Split a name into its base64 data and hex digest (the digest is the last 64 characters). */
const parts = (name: string): { data: string; digest: string } => ({ data: name.slice(0, -66), digest: name.slice(-64) });

/** Change the data part, keep the digest. */
const onData = (change: (data: string) => string): Edit => (n) => `${change(parts(n).data)}--${parts(n).digest}`;

/** Name-aware edits: the other base64 alphabet, padding, re-encoded JSON, upper-case or foreign digest, separator changes. */
const nameEdit: fc.Arbitrary<Edit> = fc.oneof(
  fc.constant(onData((d) => d.replace(/\+/g, '-').replace(/\//g, '_'))),
  fc.constant(onData((d) => d.replace(/-/g, '+').replace(/_/g, '/'))),
  fc.constantFrom('=', '==').map((pad) => onData((d) => d + pad)),
  fc.constant(onData((d) => d.replace(/=+$/, ''))),
  fc.constant(
    onData((d) => {
      try {
        const value: unknown = JSON.parse(Buffer.from(d, 'base64').toString('utf8'));
        const escaped = JSON.stringify(value).replace(/[a-z]/, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
        return Buffer.from(escaped).toString('base64');
      } catch {
        return d;
      }
    }),
  ),
  fc.constant<Edit>((n) => `${parts(n).data}--${parts(n).digest.toUpperCase()}`),
  fc.string({ minLength: 1 }).map((other): Edit => (n) => `${parts(n).data}--${parts(signStreamName(other, KEYS.streams)).digest}`),
  fc.constantFrom('-', '---', '==', '.', '').map((sep): Edit => (n) => `${parts(n).data}${sep}${parts(n).digest}`),
  fc.constant<Edit>((n) => `${n}--${parts(n).digest}`),
);

describe('signed stream names (fuzzed)', () => {
  let app: TestApp;
  let harness: FuzzHarness;
  const clients: RawClient[] = [];

  /** Subscribe a fresh client to `channel` with `name` and return the answer frame. */
  async function subscribe(channel: ChannelName, name: unknown): Promise<{ client: RawClient; identifier: string; answer: Record<string, unknown> }> {
    const client = await RawClient.welcomed(app.wsUrl());
    clients.push(client);
    const identifier = CHANNELS[channel].identifier(name);
    return { client, identifier, answer: await client.subscribe(identifier) };
  }

  /** The property of every bad name: a `reject_subscription` for exactly that identifier. */
  async function expectRejected(channel: ChannelName, name: unknown): Promise<void> {
    const { client, identifier, answer } = await subscribe(channel, name);
    expect(answer).toEqual({ identifier, type: 'reject_subscription' });
    client.close();
  }

  beforeAll(async () => {
    app = await startApp([
      '--noauth',
      '--public_streams',
      '--broadcast_key', BROADCAST_KEY,
      '--streams_secret', KEYS.streams,
      '--turbo_streams',
      '--turbo_streams_secret', KEYS.turbo,
      '--cable_ready',
      '--cable_ready_secret', KEYS.cable_ready,
    ]);
    harness = await FuzzHarness.start(app, { broadcastHeaders: AUTH });
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    harness.stop();
    await app.close();
  });

  it('has Ruby-made names for every channel to mutate', () => {
    expect(new Set(RUBY_NAMES.map((n) => n.channel))).toEqual(new Set(Object.keys(CHANNELS)));
  });

  it(
    'confirms a validly signed name on its channel and delivers its stream',
    () =>
      harness.check(
        fc.record({ channel: channelArb, stream: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }), urlSafe: fc.boolean() }),
        async ({ channel, stream, urlSafe }) => {
          const { client, identifier, answer } = await subscribe(channel, signStreamName(stream, CHANNELS[channel].key, { urlSafe }));
          expect(answer).toEqual({ identifier, type: 'confirm_subscription' });
          // The sentinel is itself a broadcast on the stream: its arrival proves delivery.
          await framesBeforeSentinel(app, [client], stream, AUTH);
          client.close();
        },
        0.5,
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'never confirms a tampered valid name (bit flips, truncation, re-encoding, padding, foreign or upper-case digest)',
    () =>
      harness.check(
        validNameArb.chain(({ channel, name }) => fc.tuple(fc.constant(channel), mutationOf(name, nameEdit))),
        ([channel, mutant]) => expectRejected(channel, mutant),
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'never confirms a name signed with another key or digest, a non-string value, a purpose or an expiry in the past',
    () =>
      harness.check(
        fc.oneof(
          // Another channel's key, a retired key nobody configured, or any other key.
          fc.tuple(channelArb, channelArb, fc.string({ minLength: 1 })).filter(([a, b]) => a !== b).map(([channel, other, stream]) => ({ channel, name: signStreamName(stream, CHANNELS[other].key) })),
          fc.tuple(channelArb, fc.oneof(fc.constant(KEYS.streams_previous), fc.constant(KEYS.wrong), fc.string({ minLength: 1 })), fc.string({ minLength: 1 })).map(([channel, key, stream]) => ({ channel, name: signStreamName(stream, key) })),
          fc.tuple(channelArb, fc.constantFrom('sha1', 'sha384', 'sha512'), fc.string({ minLength: 1 })).map(([channel, digest, stream]) => ({ channel, name: signStreamName(stream, CHANNELS[channel].key, { digest }) })),
          fc.tuple(channelArb, fc.jsonValue().filter((v) => typeof v !== 'string')).map(([channel, value]) => ({ channel, name: signStreamName(value, CHANNELS[channel].key) })),
          fc.tuple(channelArb, fc.string({ minLength: 1 }), fc.string({ minLength: 1 })).map(([channel, stream, pur]) => ({ channel, name: signStreamName({ _rails: { data: stream, pur } }, CHANNELS[channel].key) })),
          fc.tuple(channelArb, fc.string({ minLength: 1 }), fc.date({ max: new Date(Date.now() - 1000), noInvalidDate: true })).map(([channel, stream, exp]) => ({ channel, name: signStreamName({ _rails: { data: stream, exp: exp.toISOString() } }, CHANNELS[channel].key) })),
          fc.tuple(channelArb, fc.jsonValue().filter((v) => typeof v !== 'string')).map(([channel, name]) => ({ channel, name: name as unknown })),
        ),
        ({ channel, name }) => expectRejected(channel, name),
      ),
    FUZZ_TIMEOUT_MS,
  );
});
