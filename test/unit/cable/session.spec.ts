import type { IdentifyOutcome } from '../../../src/auth/identification.js';
import type { ChannelRegistration } from '../../../src/channels/channel-registration.js';
import { ChannelRouter } from '../../../src/channels/channel-router.js';
import { Session, type SessionDeps, type SessionLimits } from '../../../src/cable/session.js';
import { Hub } from '../../../src/hub/hub.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';
import { Counters } from '../../../src/metrics/counters.js';
import { RecordingFallback, ScriptedChannel } from '../../support/channel-doubles.js';
import { TEST_ENV } from '../../support/contexts.js';
import { rawSocketDouble, SocketDouble } from '../../support/socket-double.js';

const LIMITS: SessionLimits = {
  maxPendingSize: 1 << 20,
  maxSubscriptions: 0,
  maxIdentifiersPerStream: 0,
  commandRate: 0,
  commandBurst: 1,
  whisperRate: 0,
  whisperBurst: 1,
  maxBacklogBytes: 1 << 20,
  maxFragments: 64,
};

const flush = () => new Promise((resolve) => setImmediate(resolve));
const idOf = (channel: string, extra: Record<string, unknown> = {}) => JSON.stringify({ channel, ...extra });
const ACCEPTED: IdentifyOutcome = { kind: 'accepted', identifiers: '{"user":1}' };

/** A session over a socket double, with a `Test` channel and a recording fallback. */
function setup(limits: Partial<SessionLimits> = {}, extra: ChannelRegistration[] = []) {
  const hub = new Hub();
  const lines: string[] = [];
  const logger = new CableLogger({ level: 'debug', format: 'json', write: (line) => lines.push(line) });
  const counters = new Counters();
  const channel = new ScriptedChannel();
  const fallback = new RecordingFallback();
  const router = new ChannelRouter([{ name: 'Test', channel, messages: 'channel' }, ...extra], fallback);
  const removed: string[] = [];
  const whispers: Array<[string, string, string]> = [];
  const deps: SessionDeps = {
    hub,
    router,
    logger,
    counters,
    limits: { ...LIMITS, ...limits },
    onClosed: (session) => removed.push(session.sid),
    publishWhisper: (stream, data, sid) => whispers.push([stream, data, sid]),
  };
  const ws = new SocketDouble();
  const session = new Session('sid-1', ws.asWebSocket(), deps, rawSocketDouble(), TEST_ENV);
  const logged = (level: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.level === level);
  return { hub, counters, channel, fallback, ws, session, removed, whispers, logged };
}

/** A session that is identified and has read its welcome. */
function open(limits: Partial<SessionLimits> = {}, extra: ChannelRegistration[] = []) {
  const fixture = setup(limits, extra);
  fixture.session.identified(ACCEPTED);
  fixture.ws.sent.length = 0;
  return fixture;
}

describe('Session identification', () => {
  it('reads nothing until identified, then welcomes and handles the frames that waited, in order', () => {
    const { ws, session } = setup();
    expect(ws.paused).toBe(false);
    ws.receive({ command: 'ping' });
    expect(ws.paused).toBe(true);
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    expect(ws.sent).toEqual([]);
    session.identified(ACCEPTED);
    expect(ws.frames()).toEqual([{ type: 'welcome', sid: 'sid-1' }, { type: 'pong' }, { type: 'confirm_subscription', identifier: idOf('Test') }]);
    expect(ws.paused).toBe(false);
    expect(session.identifiers).toBe('{"user":1}');
  });

  it('sends the outcome transmissions instead of the welcome and merges its cstate before them', () => {
    const { ws, session } = setup();
    session.identified({ kind: 'accepted', identifiers: '{}', transmissions: ['{"type":"welcome"}'], cstate: { user: 'u1' }, claims: { sub: 'u1' } });
    expect(ws.sent).toEqual(['{"type":"welcome"}']);
    expect(session.cstate).toEqual({ user: 'u1' });
    expect(session.claims).toEqual({ sub: 'u1' });
  });

  it('closes a rejected connection with the catalogued disconnect frame, or after its transmissions', () => {
    const plain = setup();
    plain.session.identified({ kind: 'rejected', reason: 'unauthorized' });
    expect(plain.ws.frames()).toEqual([{ type: 'disconnect', reason: 'unauthorized', reconnect: false }]);
    expect(plain.ws.closedWith).toEqual({ code: 1000, text: 'Auth Failed' });
    const rails = setup();
    rails.session.identified({ kind: 'rejected', reason: 'unauthorized', transmissions: ['{"type":"disconnect","reason":"unauthorized","reconnect":false}'] });
    expect(rails.ws.sent).toHaveLength(1);
  });

  it('closes with 1011 and no frame when identification failed on our side', () => {
    const { ws, session, logged } = setup();
    session.identified({ kind: 'error', detail: 'rpc down' });
    expect(ws.sent).toEqual([]);
    expect(ws.closedWith).toEqual({ code: 1011, text: 'Auth Error' });
    expect(logged('error')[0]).toMatchObject({ code: 'CABLE_ERR_IDENTIFY_FAILED' });
  });

  it('ignores an outcome that arrives after the session was closed (identify_timeout)', () => {
    const { ws, session } = setup();
    session.disconnect('idle_timeout');
    session.identified(ACCEPTED);
    expect(ws.frames()).toEqual([{ type: 'disconnect', reason: 'idle_timeout', reconnect: false }]);
    expect(session.isOpen).toBe(false);
  });

  it('remembers a disconnect interest from the identification outcome or any later outcome, and never forgets it', () => {
    const jwt = open();
    expect(jwt.session.disconnectInterest).toBe(false);
    jwt.channel.onSubscribe = () => ({ kind: 'rejected', reason: 'no', disconnectInterest: true });
    jwt.ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    expect(jwt.session.disconnectInterest).toBe(true);
    jwt.channel.onSubscribe = () => ({ kind: 'confirmed', disconnectInterest: false });
    jwt.ws.receive({ command: 'subscribe', identifier: idOf('Test', { n: 2 }) });
    expect(jwt.session.disconnectInterest).toBe(true);
    const rpc = setup();
    rpc.session.identified({ ...ACCEPTED, disconnectInterest: true });
    expect(rpc.session.disconnectInterest).toBe(true);
  });

  it('lets go of the identification signal once identified (later callers get a fresh one)', () => {
    const { session } = setup();
    const identifying = session.signal;
    session.identified(ACCEPTED);
    expect(session.signal).not.toBe(identifying);
    session.disconnect('remote');
    expect(identifying.aborted).toBe(false);
  });

  it('aborts its signal when it closes, and hands out an aborted one afterwards', () => {
    const { session } = open();
    const signal = session.signal;
    expect(session.signal).toBe(signal);
    expect(signal.aborted).toBe(false);
    session.disconnect('remote');
    expect(signal.aborted).toBe(true);
    const late = setup();
    late.session.disconnect('idle_timeout');
    expect(late.session.signal.aborted).toBe(true);
  });

  it('exposes env and empty state through its context', () => {
    const { session } = open();
    expect(session.env).toBe(TEST_ENV);
    expect(session.cstate).toEqual({});
    expect(session.istate('nope')).toEqual({});
  });
});

describe('Session subscribe', () => {
  it('records a confirmed subscription, joins its streams and confirms by default', () => {
    const { ws, session, hub, channel } = open();
    channel.onSubscribe = () => ({ kind: 'confirmed', streams: ['s1', 's2'], istate: { room: '1' } });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    expect(ws.frames()).toEqual([{ type: 'confirm_subscription', identifier: idOf('Test') }]);
    expect(session.subscribedIdentifiers()).toEqual([idOf('Test')]);
    expect(session.istate(idOf('Test'))).toEqual({ room: '1' });
    expect(hub.streamsOf(session, idOf('Test'))).toEqual(['s1', 's2']);
  });

  it('sends transmissions made in subscribed instead of the default confirm (RPC style)', () => {
    const { ws, channel } = open();
    const id = idOf('Test');
    channel.onSubscribe = () => ({ kind: 'confirmed', transmissions: [JSON.stringify({ identifier: id, message: 'hi' }), JSON.stringify({ identifier: id, type: 'confirm_subscription' })] });
    ws.receive({ command: 'subscribe', identifier: id });
    expect(ws.frames()).toEqual([{ identifier: id, message: 'hi' }, { identifier: id, type: 'confirm_subscription' }]);
  });

  it('does not record a rejected subscription, forwards its transmissions, and allows a later subscribe', () => {
    const { ws, session, channel } = open();
    channel.onSubscribe = () => ({ kind: 'rejected', reason: 'no', cstate: { tried: '1' } });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    expect(ws.frames()).toEqual([{ type: 'reject_subscription', identifier: idOf('Test') }]);
    expect(session.subscribedIdentifiers()).toEqual([]);
    expect(session.cstate).toEqual({ tried: '1' });
    channel.onSubscribe = () => ({ kind: 'confirmed' });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    expect(session.subscribedIdentifiers()).toEqual([idOf('Test')]);
  });

  it('ignores an error outcome (nothing sent, logged at error)', () => {
    const { ws, session, channel, logged } = open();
    channel.onSubscribe = () => ({ kind: 'error', reason: 'rpc status ERROR' });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    expect(ws.sent).toEqual([]);
    expect(session.subscribedIdentifiers()).toEqual([]);
    expect(logged('warn')[0]).toMatchObject({ msg: 'subscribe failed', reason: 'rpc status ERROR' });
  });

  it('ignores a duplicate subscribe, also while the first one is in flight', async () => {
    const { ws, channel } = open();
    let confirm!: () => void;
    channel.onSubscribe = () => new Promise((resolve) => (confirm = () => resolve({ kind: 'confirmed' })));
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    confirm();
    await flush();
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    await flush();
    expect(channel.calls.filter((c) => c.command === 'subscribe')).toHaveLength(1);
    expect(ws.frames()).toEqual([{ type: 'confirm_subscription', identifier: idOf('Test') }]);
  });

  it('does not leave the identifier in flight when an asynchronous subscribe fails', async () => {
    const { ws, session, channel, logged } = open();
    channel.onSubscribe = () => Promise.reject(new Error('backend exploded'));
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    await flush();
    expect(logged('error')[0]).toMatchObject({ code: 'CABLE_ERR_COMMAND_FAILED', error: 'backend exploded' });
    channel.onSubscribe = () => Promise.resolve({ kind: 'confirmed' });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    await flush();
    expect(session.subscribedIdentifiers()).toEqual([idOf('Test')]);
    expect(ws.frames()).toEqual([{ type: 'confirm_subscription', identifier: idOf('Test') }]);
  });

  it('rejects past max_subscriptions and a subscription whose streams pass max_identifiers_per_stream', () => {
    const { ws, session, channel, counters } = open({ maxSubscriptions: 2, maxIdentifiersPerStream: 1 });
    channel.onSubscribe = () => ({ kind: 'confirmed', streams: ['shared'] });
    ws.receive({ command: 'subscribe', identifier: idOf('Test', { n: 1 }) });
    ws.receive({ command: 'subscribe', identifier: idOf('Test', { n: 2 }) });
    channel.onSubscribe = () => ({ kind: 'confirmed', streams: ['own'] });
    ws.receive({ command: 'subscribe', identifier: idOf('Test', { n: 3 }) });
    ws.receive({ command: 'subscribe', identifier: idOf('Test', { n: 4 }) });
    expect(ws.frames().map((f) => f.type)).toEqual(['confirm_subscription', 'reject_subscription', 'confirm_subscription', 'reject_subscription']);
    expect(session.subscribedIdentifiers()).toHaveLength(2);
    expect(counters.get('limit_hits_total:max_identifiers_per_stream')).toBe(1);
    expect(counters.get('limit_hits_total:max_subscriptions')).toBe(1);
  });

  it('routes channels nobody registered to the fallback', () => {
    const { ws, fallback } = open();
    ws.receive({ command: 'subscribe', identifier: idOf('ChatChannel') });
    expect(fallback.calls.map((c) => c.command)).toEqual(['subscribe']);
    expect(ws.frames()).toEqual([{ type: 'confirm_subscription', identifier: idOf('ChatChannel') }]);
  });
});

describe('Session perform outcomes', () => {
  /** An open session with one `Test` subscription on streams a and b. */
  function subscribed() {
    const fixture = open();
    fixture.channel.onSubscribe = () => ({ kind: 'confirmed', streams: ['a', 'b'] });
    fixture.ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    fixture.ws.sent.length = 0;
    return fixture;
  }
  const message = (data = '{}') => ({ command: 'message', identifier: idOf('Test'), data });

  it('stops all streams before joining new ones, and ignores stoppedStreams then', () => {
    const { ws, session, hub, channel } = subscribed();
    channel.onPerform = () => ({ kind: 'performed', stopStreams: true, stoppedStreams: ['x'], streams: ['a', 'c'] });
    ws.receive(message());
    expect(hub.streamsOf(session, idOf('Test'))).toEqual(['a', 'c']);
  });

  it('stops only the stopped streams otherwise', () => {
    const { ws, session, hub, channel } = subscribed();
    channel.onPerform = () => ({ kind: 'performed', stoppedStreams: ['a'], streams: ['c'] });
    ws.receive(message());
    expect(hub.streamsOf(session, idOf('Test'))).toEqual(['b', 'c']);
  });

  it('merges the state patch (empty string deletes) and the next call sees it', () => {
    const { ws, session, channel } = subscribed();
    channel.onPerform = () => ({ kind: 'performed', cstate: { a: '1', b: '2' }, istate: { x: 'y' } });
    ws.receive(message());
    channel.onPerform = () => ({ kind: 'performed', cstate: { a: '' } });
    ws.receive(message());
    const [, second] = channel.calls.filter((c) => c.command === 'perform');
    expect(second).toMatchObject({ cstate: { a: '1', b: '2' }, istate: { x: 'y' } });
    expect(session.cstate).toEqual({ b: '2' });
  });

  it('sends the transmissions, then closes without a frame (Command Failed) for disconnect: true', () => {
    const { ws, session, channel } = subscribed();
    channel.onPerform = () => ({ kind: 'performed', transmissions: ['{"n":1}', '{"n":2}'], disconnect: true });
    ws.receive(message());
    expect(ws.sent).toEqual(['{"n":1}', '{"n":2}']);
    expect(ws.closedWith).toEqual({ code: 1000, text: 'Command Failed' });
    expect(session.isOpen).toBe(false);
  });

  it('sends the catalogued disconnect frame when the outcome names a reason', () => {
    const { ws, channel } = subscribed();
    channel.onPerform = () => ({ kind: 'performed', transmissions: ['{"bye":1}'], disconnect: { reason: 'unauthorized' } });
    ws.receive(message());
    expect(ws.frames()).toEqual([{ bye: 1 }, { type: 'disconnect', reason: 'unauthorized', reconnect: false }]);
    expect(ws.closedWith).toEqual({ code: 1000, text: 'Auth Failed' });
  });

  it('logs ignored at debug and error at error, sending nothing', () => {
    const { ws, channel, logged } = subscribed();
    channel.onPerform = () => ({ kind: 'ignored', reason: 'nobody listens' });
    ws.receive(message());
    channel.onPerform = () => ({ kind: 'error', reason: 'boom' });
    ws.receive(message());
    expect(ws.sent).toEqual([]);
    expect(logged('debug').some((l) => l.msg === 'message ignored')).toBe(true);
    expect(logged('warn')[0]).toMatchObject({ msg: 'perform failed', reason: 'boom' });
  });

  it('keeps the connection open when a handler throws, logging CABLE_ERR_COMMAND_FAILED', () => {
    const { ws, session, channel, logged } = subscribed();
    channel.onPerform = () => {
      throw new Error('bug');
    };
    ws.receive(message());
    ws.receive({ command: 'ping' });
    expect(ws.frames()).toEqual([{ type: 'pong' }]);
    expect(session.isOpen).toBe(true);
    expect(logged('error')[0]).toMatchObject({ code: 'CABLE_ERR_COMMAND_FAILED', error: 'bug' });
  });

  it('reads no further frame while an asynchronous perform is in flight, and keeps their order', async () => {
    const { ws, channel } = subscribed();
    let finish!: () => void;
    channel.onPerform = () => new Promise((resolve) => (finish = () => resolve({ kind: 'performed', transmissions: ['{"done":1}'] })));
    ws.receive(message());
    expect(ws.paused).toBe(false);
    ws.receive({ command: 'ping' });
    expect(ws.paused).toBe(true);
    finish();
    await flush();
    expect(ws.frames()).toEqual([{ done: 1 }, { type: 'pong' }]);
    expect(ws.paused).toBe(false);
  });

  it('whispers to the $w stream of the subscription only', () => {
    const { ws, channel, whispers } = subscribed();
    ws.receive({ command: 'whisper', identifier: idOf('Test'), data: { typing: true } });
    channel.onPerform = () => ({ kind: 'performed', istate: { $w: 'room' } });
    ws.receive(message());
    ws.receive({ command: 'whisper', identifier: idOf('Test'), data: { typing: true } });
    expect(whispers).toEqual([['room', '{"typing":true}', 'sid-1']]);
  });

  it('disconnects as too_slow when a frame leaves more than ws_max_pending_size unsent', () => {
    const { ws, session } = open({ maxPendingSize: 10 });
    ws.bufferedAmount = 11;
    ws.receive({ command: 'ping' });
    expect(ws.frames()).toEqual([{ type: 'pong' }, { type: 'disconnect', reason: 'too_slow', reconnect: true }]);
    expect(session.isOpen).toBe(false);
  });
});

describe('Session unsubscribe', () => {
  it('stops the streams at once, lets the handler see the istate, then drops it', () => {
    const { ws, session, hub, channel } = open();
    channel.onSubscribe = () => ({ kind: 'confirmed', streams: ['a'], istate: { k: 'v' } });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    ws.receive({ command: 'unsubscribe', identifier: idOf('Test') });
    expect(channel.calls.find((c) => c.command === 'unsubscribe')).toMatchObject({ istate: { k: 'v' } });
    expect(hub.streamsOf(session, idOf('Test'))).toEqual([]);
    expect(session.istate(idOf('Test'))).toEqual({});
    expect(session.subscribedIdentifiers()).toEqual([]);
  });

  it.each([
    ['throws', () => { throw new Error('bug'); }],
    ['rejects', () => Promise.reject(new Error('down'))],
    ['returns an error', () => ({ kind: 'error' as const, reason: 'rails said no' })],
  ])('drops the subscription and its streams even when the handler %s', async (_label, handler) => {
    const { ws, session, hub, channel } = open();
    channel.onSubscribe = () => ({ kind: 'confirmed', streams: ['a'], istate: { k: 'v' } });
    channel.onUnsubscribe = handler as never;
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    ws.receive({ command: 'unsubscribe', identifier: idOf('Test') });
    await flush();
    expect(session.subscribedIdentifiers()).toEqual([]);
    expect(hub.streamsOf(session, idOf('Test'))).toEqual([]);
    expect(session.istate(idOf('Test'))).toEqual({});
  });

  it('applies the transmissions and cstate of the outcome', () => {
    const { ws, session, channel } = open();
    channel.onUnsubscribe = () => ({ kind: 'unsubscribed', transmissions: ['{"bye":1}'], cstate: { left: '1' } });
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    ws.sent.length = 0;
    ws.receive({ command: 'unsubscribe', identifier: idOf('Test') });
    expect(ws.sent).toEqual(['{"bye":1}']);
    expect(session.cstate).toEqual({ left: '1' });
  });
});

describe('Session close seam', () => {
  it('calls the fallback disconnect once with every identifier, and unsubscribe for each local one', async () => {
    const { ws, channel, fallback, removed } = open();
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    ws.receive({ command: 'subscribe', identifier: idOf('ChatChannel', { room: 1 }) });
    ws.receive({ command: 'subscribe', identifier: idOf('ChatChannel', { room: 2 }) });
    fallback.onPerform = () => ({ kind: 'performed', istate: { seen: 'yes' }, cstate: { user: 'u' } });
    ws.receive({ command: 'message', identifier: idOf('ChatChannel', { room: 1 }), data: '{}' });
    ws.peerClosed();
    await flush();
    const disconnects = fallback.calls.filter((c) => c.command === 'disconnect');
    expect(disconnects).toHaveLength(1);
    expect(disconnects[0]).toMatchObject({
      subscriptions: [idOf('Test'), idOf('ChatChannel', { room: 1 }), idOf('ChatChannel', { room: 2 })],
      cstate: { user: 'u' },
      istates: { [idOf('ChatChannel', { room: 1 })]: { seen: 'yes' } },
    });
    expect(fallback.calls.filter((c) => c.command === 'unsubscribe')).toEqual([]);
    expect(channel.calls.filter((c) => c.command === 'unsubscribe').map((c) => c.identifier)).toEqual([idOf('Test')]);
    expect(removed).toEqual(['sid-1']);
  });

  it('makes no disconnect call for a connection that was never identified', async () => {
    const { ws, fallback, removed } = setup();
    ws.peerClosed();
    await flush();
    expect(fallback.calls).toEqual([]);
    expect(removed).toEqual(['sid-1']);
  });

  it('logs close hooks that fail, without throwing', async () => {
    const { ws, channel, logged } = open();
    channel.onUnsubscribe = () => Promise.reject(new Error('gone'));
    ws.receive({ command: 'subscribe', identifier: idOf('Test') });
    ws.peerClosed();
    await flush();
    expect(logged('error')[0]).toMatchObject({ msg: 'disconnect failed', error: `${idOf('Test')}: gone` });
  });
});

describe('Session live-subscription seam', () => {
  it('sends to a subscription only while it lives and the connection is open', () => {
    const { ws, session } = open();
    const id = idOf('Test');
    expect(session.sendToSubscription(id, '{"early":1}')).toBe(false);
    ws.receive({ command: 'subscribe', identifier: id });
    ws.sent.length = 0;
    expect(session.sendToSubscription(id, '{"later":1}')).toBe(true);
    ws.receive({ command: 'unsubscribe', identifier: id });
    expect(session.sendToSubscription(id, '{"gone":1}')).toBe(false);
    ws.receive({ command: 'subscribe', identifier: id });
    session.disconnect('remote');
    expect(session.sendToSubscription(id, '{"closed":1}')).toBe(false);
    expect(ws.sent.filter((frame) => !frame.includes('confirm') && !frame.includes('disconnect'))).toEqual(['{"later":1}']);
  });
});

describe('Session counters', () => {
  it('counts live subscriptions per channel, down again on unsubscribe and on close', () => {
    const { ws, counters } = open();
    ws.receive({ command: 'subscribe', identifier: idOf('Test', { n: 1 }) });
    ws.receive({ command: 'subscribe', identifier: idOf('Test', { n: 2 }) });
    ws.receive({ command: 'subscribe', identifier: idOf('ChatChannel') });
    expect([counters.get('subscriptions:Test'), counters.get('subscriptions:ChatChannel')]).toEqual([2, 1]);
    ws.receive({ command: 'unsubscribe', identifier: idOf('Test', { n: 1 }) });
    expect(counters.get('subscriptions:Test')).toBe(1);
    ws.peerClosed();
    expect([counters.get('subscriptions:Test'), counters.get('subscriptions:ChatChannel')]).toEqual([0, 0]);
  });

  it('counts disconnects by reason: catalogued reasons, close texts and client closes', () => {
    const byServer = open();
    byServer.session.disconnect('too_slow');
    const failed = setup();
    failed.session.identified({ kind: 'error', detail: 'down' });
    const byClient = open();
    byClient.ws.peerClosed();
    expect(byServer.counters.recentDisconnects().map((d) => d.reason)).toEqual(['too_slow']);
    expect(failed.counters.get('disconnects_total:Auth Error')).toBe(1);
    expect(byClient.counters.get('disconnects_total:closed by client')).toBe(1);
  });
});
