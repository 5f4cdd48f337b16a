/**
 * Property-based fuzzing of `POST /_broadcast` (docs/protocol.md, HTTP
 * broadcasts): random JSON and text bodies, broken batches, content types,
 * methods and near-miss paths. Never a 5xx; whatever is refused delivers nothing.
 */
import fc from 'fast-check';
import { postBroadcast, startApp, type TestApp } from '../support/app.js';
import { pubsubIdentifier, RawClient } from '../support/raw-client.js';
import { framesBeforeSentinel, FUZZ_TIMEOUT_MS, FuzzHarness, rawRequest } from './support.js';

const STREAMS = ['fz', 'fz2'] as const;
const MAX_BODY_SIZE = 8192;

/** A publication template; `data` is filled in per run with a tag the watcher can recognise. */
interface Item {
  stream?: unknown;
  data?: unknown;
  meta?: unknown;
  command?: unknown;
  payload?: unknown;
}

const metaArb = fc.option(
  fc.record({ broadcast_type: fc.option(fc.string({ minLength: 1 })), exclude_socket: fc.constantFrom('', null, 'not-a-live-sid'), transient: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  { nil: undefined },
);

/** A publication to a watched stream (its `data` is set per run). */
const validPublicationArb: fc.Arbitrary<Item> = fc.record({ stream: fc.constantFrom(...STREAMS), meta: metaArb });

/** A well-formed remote disconnect for identifiers nobody has. */
const validDisconnectArb: fc.Arbitrary<Item> = fc.record({ command: fc.constant('disconnect'), payload: fc.record({ identifier: fc.string().map((s) => JSON.stringify({ nobody: s })), reconnect: fc.boolean() }) });

const notAString = fc.jsonValue({ maxDepth: 2 }).filter((v) => typeof v !== 'string');

/** Ways to make one item of a batch wrong, so the whole batch must be refused. */
const invalidItemArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ stream: fc.constantFrom(...STREAMS), data: notAString }),
  fc.record({ stream: fc.oneof(fc.constant(''), notAString), data: fc.constant('"x"') }),
  fc.record({ data: fc.constant('"x"') }),
  fc.record({ stream: fc.constantFrom(...STREAMS), data: fc.constant('"x"'), meta: fc.oneof(fc.array(fc.jsonValue()), fc.integer(), fc.string(), fc.constant(true)) }),
  fc.record({ stream: fc.constantFrom(...STREAMS), data: fc.constant('"x"'), meta: fc.record({ exclude_socket: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string())) }) }),
  fc.record({ stream: fc.constantFrom(...STREAMS), data: fc.constant('"x"'), meta: fc.record({ broadcast_type: fc.oneof(fc.integer({ min: 1 }), fc.constant(true), fc.dictionary(fc.string(), fc.string())) }) }),
  fc.oneof(fc.integer(), fc.string(), fc.constant(null), fc.array(fc.jsonValue({ maxDepth: 1 }))),
  fc.record({ command: fc.string().filter((c) => c !== 'disconnect'), payload: fc.jsonValue({ maxDepth: 1 }) }),
  fc.record({ command: fc.constant('disconnect'), payload: fc.oneof(fc.constant(undefined), fc.record({ identifier: notAString })) }),
);

/** A body and what it must do: `valid` bodies are delivered whole, `invalid` ones not at all, `any` just never 5xx. */
type Case = { kind: 'valid'; items: Item[]; batch: boolean } | { kind: 'invalid'; items: unknown[]; batch: boolean } | { kind: 'any'; text: string };

const caseArb: fc.Arbitrary<Case> = fc.oneof(
  fc.record({ kind: fc.constant('valid' as const), items: fc.array(fc.oneof({ weight: 4, arbitrary: validPublicationArb }, { weight: 1, arbitrary: validDisconnectArb }), { minLength: 1, maxLength: 5 }), batch: fc.boolean() }).map((c) => ({ ...c, batch: c.batch || c.items.length > 1 })),
  fc
    .record({ good: fc.array(validPublicationArb, { maxLength: 4 }), bad: invalidItemArb, at: fc.nat(), batch: fc.boolean() })
    .map(({ good, bad, at, batch }): Case => {
      const items: unknown[] = [...good];
      items.splice(at % (good.length + 1), 0, bad);
      // An array as the whole body is not an item: send a lone bad array inside a batch.
      return { kind: 'invalid', items, batch: batch || items.length > 1 || Array.isArray(bad) };
    }),
  fc.constant<Case>({ kind: 'invalid', items: [], batch: true }),
  fc.oneof(fc.string(), fc.jsonValue().map((v) => JSON.stringify(v)), fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1))), fc.string({ minLength: MAX_BODY_SIZE, maxLength: 2 * MAX_BODY_SIZE })).map((text): Case => ({ kind: 'any', text })),
);

/** Content types that are not JSON (JSON is `application/json` or a `+json` suffix, RFC 6839). */
const nonJsonContentTypeArb = fc.oneof(
  fc.constantFrom('text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/html', 'application/xml', 'application/octet-stream', 'image/png', 'text/csv'),
  fc.tuple(fc.stringMatching(/^[a-z]{1,10}$/), fc.stringMatching(/^[a-z][a-z.-]{0,12}$/)).filter(([, sub]) => sub !== 'json' && !sub.endsWith('+json')).map(([type, sub]) => `${type}/${sub}`),
);

/** Paths that resemble the broadcast path but are not it. */
const nearMissPathArb = fc
  .oneof(
    fc.constantFrom('/_BROADCAST', '/_broadcast/', '/_Broadcast', '/_broadcast//', '//_broadcast', '/_broadcast/x', '/_broadcast.json', '/_broadcasts', '/broadcast', '/_broadcast;x'),
    fc.array(fc.boolean(), { minLength: 11, maxLength: 11 }).map((upper) => [...'/_broadcast'].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('')),
    fc.stringMatching(/^[A-Za-z0-9/._-]{1,6}$/).map((suffix) => `/_broadcast${suffix}`),
  )
  .filter((path) => path !== '/_broadcast');

describe('POST /_broadcast (fuzzed)', () => {
  let app: TestApp;
  let harness: FuzzHarness;
  let watcher: RawClient;
  let run = 0;

  beforeAll(async () => {
    app = await startApp(['--public', '--http_broadcast_max_body_size', String(MAX_BODY_SIZE)]);
    harness = await FuzzHarness.start(app);
    watcher = await RawClient.welcomed(app.wsUrl());
    for (const stream of STREAMS) await watcher.subscribe(pubsubIdentifier(stream));
  });
  afterAll(async () => {
    watcher.close();
    harness.stop();
    await app.close();
  });

  /** Everything the watcher received since the last call, in arrival order: `run.i` for tagged publications, else the message JSON. */
  async function delivered(): Promise<string[]> {
    const [frames] = await framesBeforeSentinel(app, [watcher], STREAMS[0]);
    return frames.map((f) => {
      const message = f.message as { run?: number; i?: number } | undefined;
      return message?.run !== undefined ? `${message.run}.${message.i}` : JSON.stringify(f);
    });
  }

  /** Give each publication of the run a recognisable `data`; returns the tags in order. */
  function tag(items: unknown[]): string[] {
    run++;
    const tags: string[] = [];
    items.forEach((item, i) => {
      const it = item as Item | null;
      if (it && typeof it === 'object' && !Array.isArray(it) && it.data === undefined && it.command === undefined && typeof it.stream === 'string') {
        it.data = JSON.stringify({ run, i });
        tags.push(`${run}.${i}`);
      }
    });
    return tags;
  }

  it(
    'delivers a valid body whole and in order, refuses an invalid one with a 4xx and delivers none of it, never answers 5xx',
    () =>
      harness.check(caseArb, async (c) => {
        if (c.kind === 'any') {
          run++;
          const res = await postBroadcast(app, c.text);
          expect(res.status).toBeLessThan(500);
          const got = await delivered();
          if (res.status !== 201) expect(got).toEqual([]);
          return;
        }
        const items = structuredClone(c.items);
        const tags = tag(items);
        const res = await postBroadcast(app, c.batch ? items : items[0]);
        const got = await delivered();
        if (c.kind === 'valid') {
          expect(res.status).toBe(201);
          expect(got).toEqual(tags);
        } else {
          expect([400, 422]).toContain(res.status);
          expect(JSON.parse(res.body)).toEqual({ error: expect.any(String), code: res.status === 400 ? 'malformed_json' : 'invalid_broadcast' });
          expect(got).toEqual([]);
        }
      }),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'answers a non-JSON Content-Type with 415 and delivers nothing',
    () =>
      harness.check(nonJsonContentTypeArb, async (contentType) => {
        const items = [{ stream: STREAMS[0] }];
        tag(items);
        const res = await postBroadcast(app, items[0], { 'Content-Type': contentType });
        const got = await delivered();
        expect(res.status).toBe(415);
        expect(got).toEqual([]);
      }),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'answers any method but POST with 405 and delivers nothing',
    () =>
      harness.check(fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'), async (method) => {
        const items = [{ stream: STREAMS[0] }];
        tag(items);
        const res = await fetch(app.httpUrl('/_broadcast'), { method, headers: { 'Content-Type': 'application/json' }, body: method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify(items[0]) });
        const got = await delivered();
        expect(res.status).toBe(405);
        expect(got).toEqual([]);
      }, 0.25),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'answers 404 on paths that only resemble the broadcast path and delivers nothing',
    () =>
      harness.check(nearMissPathArb, async (path) => {
        const items = [{ stream: STREAMS[0] }];
        tag(items);
        const body = JSON.stringify(items[0]);
        const res = await rawRequest(app.port, `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
        const got = await delivered();
        expect(res.status).toBe(404);
        expect(got).toEqual([]);
      }),
    FUZZ_TIMEOUT_MS,
  );
});
