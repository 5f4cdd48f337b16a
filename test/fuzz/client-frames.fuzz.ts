/**
 * Property-based fuzzing of client WebSocket frames against the real app:
 * any JSON, command-shaped objects with random field types, deep nesting,
 * invalid UTF-8, binary, oversized and fragmented messages. Whatever a client
 * sends, it gets a defined outcome, nothing is logged at error level, and the
 * bystanders keep receiving every broadcast in order.
 */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient, type Frame } from '../support/raw-client.js';
import { FUZZ_TIMEOUT_MS, FuzzHarness } from './support.js';

const MAX_MESSAGE_SIZE = 65536;
const KNOWN_STREAM = 'fuzz-known';
const KNOWN = pubsubIdentifier(KNOWN_STREAM);

/** Identifiers a fuzzed command may name: subscribed, unsubscribed, unroutable, malformed. */
const identifierArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    KNOWN,
    pubsubIdentifier('fuzz-other'),
    JSON.stringify({ channel: 'Turbo::StreamsChannel', signed_stream_name: 'bm90IHNpZ25lZA==--00' }),
    JSON.stringify({ channel: 'CableReady::Stream', identifier: 'x' }),
    JSON.stringify({ channel: 'NoSuchChannel' }),
    JSON.stringify({ channel: '$pubsub' }),
    JSON.stringify({ channel: '$pubsub', stream_name: '' }),
    JSON.stringify({ channel: 1 }),
    '{}',
    'null',
    '[]',
    '',
  ),
  fc.record({ channel: fc.oneof(fc.constantFrom('$pubsub', 'Turbo::StreamsChannel', 'CableReady::Stream'), fc.string()), stream_name: fc.jsonValue(), signed_stream_name: fc.jsonValue() }, { requiredKeys: ['channel'] }).map((params) => JSON.stringify(params)),
  fc.string(),
  fc.jsonValue({ maxDepth: 3 }),
);

/** An object shaped like a client command, each field of any type (or missing). */
const commandArb = fc.record(
  {
    command: fc.oneof(fc.constantFrom('subscribe', 'unsubscribe', 'message', 'whisper', 'ping', 'pong', 'Subscribe', 'history'), fc.string(), fc.jsonValue({ maxDepth: 2 })),
    identifier: identifierArb,
    data: fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.string(), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), fc.constant(JSON.stringify({ action: 'speak', text: 'hi' }))),
  },
  { requiredKeys: [] },
);

/** `depth` levels of arrays or objects, built as text (JSON.stringify itself overflows on the deepest). */
function nested(depth: number, shape: 'array' | 'object'): string {
  return shape === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Where a deeply nested value goes in a frame (whispers to a subscription have their own test). */
const DEEP_PLACES = {
  'the whole frame': (deep: string) => deep,
  'an extra field': (deep: string) => `{"command":"message","identifier":${JSON.stringify(KNOWN)},"data":"{}","extra":${deep}}`,
  'a subscribe identifier': (deep: string) => JSON.stringify({ command: 'subscribe', identifier: `{"channel":"$pubsub","stream_name":"deep","x":${deep}}` }),
  'an identifier that is not a string': (deep: string) => `{"command":"subscribe","identifier":${deep}}`,
  'message data': (deep: string) => JSON.stringify({ command: 'message', identifier: KNOWN, data: deep }),
  'data of an unknown command': (deep: string) => `{"command":"teleport","identifier":${JSON.stringify(KNOWN)},"data":${deep}}`,
  'a whisper to an unknown identifier': (deep: string) => `{"command":"whisper","identifier":${JSON.stringify(pubsubIdentifier('nobody'))},"data":${deep}}`,
} as const;

/** Byte sequences that are never valid UTF-8. */
const INVALID_UTF8 = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80], [0xe2, 0x82], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc3]];

const invalidUtf8Arb: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.tuple(fc.string({ maxLength: 40 }), fc.constantFrom(...INVALID_UTF8), fc.string({ maxLength: 40 })).map(([before, bad, after]) => Buffer.concat([Buffer.from(before), Buffer.from(bad), Buffer.from(after)])),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).filter((bytes) => !isUtf8(bytes)),
);

/** Send `payload` as one message split at `cuts` (byte offsets) into fragments, with optional pings in between. */
function sendFragmented(client: RawClient, payload: Buffer, cuts: number[], pings: boolean, binary = false): void {
  const offsets = [...new Set(cuts.map((c) => c % (payload.length + 1)))].sort((a, b) => a - b);
  let from = 0;
  for (const to of offsets) {
    client.ws.send(payload.subarray(from, to), { fin: false, binary });
    if (pings) client.ws.ping();
    from = to;
  }
  client.ws.send(payload.subarray(from), { fin: true, binary });
}

describe('client frames (fuzzed)', () => {
  let app: TestApp;
  let harness: FuzzHarness;
  const clients: RawClient[] = [];

  /** A welcomed client, subscribed to the known stream; closed after the test. */
  async function client(): Promise<RawClient> {
    const c = await RawClient.welcomed(app.wsUrl());
    clients.push(c);
    expect(await c.subscribe(KNOWN)).toMatchObject({ type: 'confirm_subscription' });
    return c;
  }

  /** Ping and wait for the pong: the connection is still served. Returns the frames that came before the pong. */
  async function expectServing(c: RawClient): Promise<Frame[]> {
    const before: Frame[] = [];
    c.send({ command: 'ping' });
    await c.next((f) => {
      if (f.type === 'pong') return true;
      if (f.type !== 'ping') before.push(f);
      return false;
    });
    expect(c.closeCode).toBeUndefined();
    return before;
  }

  beforeAll(async () => {
    app = await startApp(['--public', '--max_message_size', String(MAX_MESSAGE_SIZE)]);
    harness = await FuzzHarness.start(app);
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    harness.stop();
    await app.close();
  });

  it(
    'keeps serving a client after any JSON value',
    () =>
      harness.check(fc.jsonValue(), async (value) => {
        const c = await client();
        c.send(JSON.stringify(value));
        await expectServing(c);
        c.close();
      }),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'keeps serving a client after command-shaped frames of any field types, for known and unknown identifiers',
    () =>
      harness.check(fc.array(commandArb, { minLength: 1, maxLength: 5 }), async (commands) => {
        const c = await client();
        for (const command of commands) c.send(JSON.stringify(command));
        await expectServing(c);
        c.close();
      }),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'keeps serving a client after deeply nested JSON anywhere in a frame',
    () =>
      harness.check(
        fc.record({ depth: fc.integer({ min: 1000, max: 6000 }), shape: fc.constantFrom('array' as const, 'object' as const), place: fc.constantFrom(...(Object.keys(DEEP_PLACES) as Array<keyof typeof DEEP_PLACES>)) }),
        async ({ depth, shape, place }) => {
          const c = await client();
          c.send(DEEP_PLACES[place](nested(depth, shape)));
          await expectServing(c);
          c.close();
        },
        0.5,
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'relays or drops a whisper whose data nests thousands of levels, without an error log',
    () =>
      harness.check(
        fc.record({ depth: fc.integer({ min: 1000, max: 6000 }), shape: fc.constantFrom('array' as const, 'object' as const) }),
        async ({ depth, shape }) => {
          const c = await client();
          c.send(`{"command":"whisper","identifier":${JSON.stringify(KNOWN)},"data":${nested(depth, shape)}}`);
          await expectServing(c);
          c.close();
        },
        0.5,
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'closes a text frame that is not UTF-8 with 1007',
    () =>
      harness.check(fc.tuple(invalidUtf8Arb, fc.boolean(), fc.array(fc.nat(), { maxLength: 4 })), async ([bytes, fragmented, cuts]) => {
        const c = await client();
        if (fragmented) sendFragmented(c, Buffer.from(bytes), cuts, false);
        else c.ws.send(bytes, { binary: false });
        expect(await c.closed()).toBe(1007);
      }),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'ignores binary frames, even ones holding a valid command',
    () =>
      harness.check(
        fc.oneof(fc.uint8Array({ maxLength: 2048 }), fc.constantFrom(JSON.stringify({ command: 'subscribe', identifier: pubsubIdentifier('from-binary') }), JSON.stringify({ command: 'unsubscribe', identifier: KNOWN })).map((t) => new Uint8Array(Buffer.from(t)))),
        async (bytes) => {
          const c = await client();
          c.ws.send(bytes, { binary: true });
          expect(await expectServing(c)).toEqual([]);
          expect(c.closeCode).toBeUndefined();
        },
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'closes a message over max_message_size with 1009, whole or fragmented',
    () =>
      harness.check(
        fc.record({ size: fc.integer({ min: MAX_MESSAGE_SIZE + 1, max: 2 * MAX_MESSAGE_SIZE }), binary: fc.boolean(), cuts: fc.array(fc.nat(), { maxLength: 5 }) }),
        async ({ size, binary, cuts }) => {
          const c = await client();
          const payload = Buffer.from(`{"command":"message","identifier":${JSON.stringify(KNOWN)},"data":"${'x'.repeat(size)}"}`);
          if (cuts.length > 0) sendFragmented(c, payload, cuts, false, binary);
          else c.ws.send(payload, { binary });
          expect(await c.closed()).toBe(1009);
        },
        0.5,
      ),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'handles a message split into fragments (with pings between them) exactly like the whole message',
    () =>
      harness.check(
        fc.record({ stream: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 24 }).filter((s) => s !== KNOWN_STREAM), cuts: fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), pings: fc.boolean() }),
        async ({ stream, cuts, pings }) => {
          const c = await client();
          const identifier = pubsubIdentifier(stream);
          sendFragmented(c, Buffer.from(JSON.stringify({ command: 'subscribe', identifier })), cuts, pings);
          expect(await c.next((f) => f.identifier === identifier)).toEqual({ identifier, type: 'confirm_subscription' });
          await expectServing(c);
          c.close();
        },
      ),
    FUZZ_TIMEOUT_MS,
  );
});
