/**
 * Property-based fuzzing of WebSocket upgrade requests written by hand on a raw
 * socket: any Host, Origin, path and header junk. The server runs as a child
 * process (`node dist/main.js`), so a crash fails the property with the child's
 * stack trace instead of taking jest down; the child is respawned so fast-check
 * can shrink the crashing input.
 */
import fc from 'fast-check';
import { ChildCable, FUZZ_TIMEOUT_MS, FuzzHarness, rawRequest, type RawResponse } from './support.js';

const ALLOWED_ORIGINS = 'example.com,*.example.org';
const GOOD_ORIGIN = 'https://example.com';
const WELCOME_BYTES = 20;

/** One hand-written upgrade request; a header given as `null` is left out, one not given has a sane value. */
interface Upgrade {
  path?: string;
  host?: string | null;
  origin?: string | null;
  /** Extra header lines, written as given. */
  junk?: string[];
}

/** Write the upgrade request by hand (every header exactly as given) and wait for the head plus the first frame. */
function upgrade(cable: ChildCable, request: Upgrade): Promise<RawResponse> {
  const header = (name: string, value: string | null | undefined, fallback: string) => (value === null ? [] : [`${name}: ${value ?? fallback}`]);
  const lines = [
    `GET ${request.path ?? '/cable'} HTTP/1.1`,
    ...header('Host', request.host, '127.0.0.1'),
    'Upgrade: websocket',
    'Connection: Upgrade',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Protocol: actioncable-v1-json',
    ...header('Origin', request.origin, GOOD_ORIGIN),
    ...(request.junk ?? []),
  ];
  return rawRequest(cable.listenPort, Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), { afterHeadBytes: WELCOME_BYTES, timeoutMs: 5_000 });
}

/**
 * Send `request` and check the answer is sane: the child is still running (an
 * abnormal end gets a second to surface as a crash: rxjs rethrows a subscriber's
 * error on a timer), a status below 500, and an accepted upgrade really serves
 * (the welcome frame follows).
 */
async function expectSaneAnswer(cable: ChildCable, request: Upgrade): Promise<RawResponse> {
  const res = await upgrade(cable, request);
  const welcomed = res.body.toString('latin1').includes('"type":"welcome"');
  if (res.status === undefined || (res.status === 101 && !welcomed)) await cable.exitedWithin(1_000);
  expect(await cable.problem()).toBeUndefined();
  // Without a status, Node's parser dropped a request it could not read; it must at least close the connection.
  if (res.status === undefined) expect(res.closedByServer).toBe(true);
  else expect(res.status).toBeLessThan(500);
  if (res.status === 101) expect(welcomed).toBe(true);
  return res;
}

/** Printable ASCII without CR/LF: what may appear inside one header line. */
const headerText = (maxLength = 24) => fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength });

const hostArb = fc.oneof(
  fc.constantFrom('x:99999', '[', 'a b', '%', '::1', 'a:b:c', '', 'x:-1', 'localhost', '127.0.0.1:8080', '[::1]:80', 'host:', ':80', 'a@b', 'a/b', 'a?b', 'a#b', '[::1', '::1]', '999.999.999.999', 'a..b', '\u00e9.com', 'x:65536', 'x:0x50', '[v1.x]', 'a\\b', '\t'),
  headerText(),
  fc.tuple(fc.domain(), fc.integer({ min: -100_000, max: 200_000 })).map(([d, p]) => `${d}:${p}`),
  fc.ipV6(),
  fc.ipV6().map((ip) => `[${ip}]:${ip.length}`),
);

/** Origins tagged with whether the allow-list (`example.com`, `*.example.org`) admits them. */
const originArb: fc.Arbitrary<{ origin: string | null; allowed: boolean }> = fc.oneof(
  fc.constantFrom('http://example.com', 'https://example.com', 'https://EXAMPLE.com').map((origin) => ({ origin, allowed: true })),
  fc.stringMatching(/^[a-z0-9]{1,10}$/).map((label) => ({ origin: `https://${label}.example.org`, allowed: true })),
  fc
    .constantFrom('https://example.org', 'https://example.com.evil.net', 'https://evilexample.com', 'https://example.com:8443', 'https://example.com@evil.net', 'https://evil.net/example.com', 'null', 'file://', '', 'example.com', 'https://.example.org', 'https://example.org.evil', 'https://x.example.org:1', 'http://[', 'https://exa mple.com')
    .map((origin) => ({ origin, allowed: false })),
  headerText(40).map((origin) => ({ origin, allowed: false })),
  fc.constant({ origin: null, allowed: false }),
);

/** Request targets: the endpoint with odd queries, near misses, absolute and asterisk forms, random text. */
const pathArb: fc.Arbitrary<{ path: string; endpoint: boolean }> = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{0,30}$/).map((query) => ({ path: `/cable?${query}`, endpoint: true })),
  fc.constantFrom('/cable?%', '/cable?jid=%zz', '/cable?&&==', '/cable?jid=%00').map((path) => ({ path, endpoint: true })),
  fc.constantFrom('/CABLE', '/cable/', '//cable', '/cable#x', '*', 'http://x:99999/cable', 'http://[/cable', '/%63able', '/cable/..', '/./cable', 'cable', '/', '/cable;x').map((path) => ({ path, endpoint: false })),
  fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/).filter((p) => !p.startsWith('/cable?') && p !== '/cable').map((path) => ({ path, endpoint: false })),
);

/** Header lines a client should not send, or sends oddly: duplicates, bad versions, huge values, token junk. */
const junkArb = fc.array(
  fc.oneof(
    fc.tuple(fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/), headerText(60)).map(([name, value]) => `${name}: ${value}`),
    fc.constantFrom('Host: second.example', 'Sec-WebSocket-Version: 8', 'Sec-WebSocket-Key: short', 'Sec-WebSocket-Protocol: , ,,', 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits', 'Content-Length: 5', 'Transfer-Encoding: chunked', 'Connection: close', 'Upgrade: h2c'),
    headerText(40).map((value) => `X-Request-ID: ${value}`),
    headerText(60).map((value) => `Sec-WebSocket-Protocol: anycable-token.${value}`),
    headerText(60).map((value) => `X-JID: ${value}`),
    fc.integer({ min: 1_000, max: 20_000 }).map((n) => `X-Big: ${'a'.repeat(n)}`),
    // A line that is not a header at all (an empty one would end the head early, so at least one character).
    headerText(20).filter((text) => text.length > 0),
  ),
  { maxLength: 4 },
);

describe('WebSocket upgrade requests (fuzzed, cablecar as a child process)', () => {
  let cable: ChildCable;
  let harness: FuzzHarness;

  beforeAll(async () => {
    cable = await ChildCable.start(['--public', '--allowed_origins', ALLOWED_ORIGINS]);
  }, 30_000);
  // A test that crashed the child leaves a respawned one behind: each test gets bystanders on the live process.
  beforeEach(async () => {
    await cable.revive();
    harness = await FuzzHarness.start(cable, { headers: { Origin: GOOD_ORIGIN } });
  }, 30_000);
  afterEach(() => harness.stop());
  afterAll(() => cable.close());

  it(
    'answers an upgrade with any Host header without crashing or a 5xx',
    () => harness.check(fc.option(hostArb), async (host) => void (await expectSaneAnswer(cable, { host }))),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'accepts an upgrade only from an allowed Origin, and answers any Origin without crashing or a 5xx',
    () =>
      harness.check(originArb, async ({ origin, allowed }) => {
        const res = await expectSaneAnswer(cable, { origin });
        if (allowed) expect(res.status).toBe(101);
        else expect(res.status).not.toBe(101);
      }),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'upgrades only on the endpoint path, and answers any request target without crashing or a 5xx',
    () =>
      harness.check(pathArb, async ({ path, endpoint }) => {
        const res = await expectSaneAnswer(cable, { path });
        if (!endpoint) expect(res.status).not.toBe(101);
      }),
    FUZZ_TIMEOUT_MS,
  );

  it(
    'answers an upgrade carrying header junk without crashing or a 5xx',
    () => harness.check(junkArb, async (junk) => void (await expectSaneAnswer(cable, { junk }))),
    FUZZ_TIMEOUT_MS,
  );
});
