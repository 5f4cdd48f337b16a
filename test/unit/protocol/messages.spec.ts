import { DISCONNECT_REASONS, isDisconnectReason } from '../../../src/protocol/disconnect-reasons.js';
import { broadcastFrame, broadcastFrameFrom, broadcastFramePrefix, broadcastPayloadJson, confirmFrame, disconnectFrame, pingFrame, rejectFrame, welcomeFrame } from '../../../src/protocol/messages.js';

describe('server frames', () => {
  const identifier = '{"channel":"ChatChannel","id":42}';

  it('match the Rails / AnyCable wire format', () => {
    expect(JSON.parse(welcomeFrame('abc'))).toEqual({ type: 'welcome', sid: 'abc' });
    expect(JSON.parse(confirmFrame(identifier))).toEqual({ identifier, type: 'confirm_subscription' });
    expect(JSON.parse(rejectFrame(identifier))).toEqual({ identifier, type: 'reject_subscription' });
    expect(disconnectFrame('unauthorized')).toBe('{"type":"disconnect","reason":"unauthorized","reconnect":false}');
    expect(disconnectFrame('server_restart')).toBe('{"type":"disconnect","reason":"server_restart","reconnect":true}');
    expect(disconnectFrame('remote', false)).toBe('{"type":"disconnect","reason":"remote","reconnect":false}');
  });

  it('stamps pings in seconds by default, or ms / ns', () => {
    expect(pingFrame(1700000000123, 's')).toBe('{"type":"ping","message":1700000000}');
    expect(pingFrame(1700000000123, 'ms')).toBe('{"type":"ping","message":1700000000123}');
    expect(pingFrame(1700000000123, 'ns')).toBe('{"type":"ping","message":1700000000123000000}');
  });

  it('builds broadcast frames around an already encoded payload, with an optional type', () => {
    expect(broadcastFrame(identifier, '{"a":1}')).toBe('{"identifier":"{\\"channel\\":\\"ChatChannel\\",\\"id\\":42}","message":{"a":1}}');
    expect(JSON.parse(broadcastFrame(identifier, '1', 'presence'))).toEqual({ identifier, message: 1, type: 'presence' });
    expect(broadcastFrameFrom(broadcastFramePrefix(identifier), '{"a":1}', 'presence')).toBe(broadcastFrame(identifier, '{"a":1}', 'presence'));
    expect(broadcastFrameFrom(broadcastFramePrefix(identifier), '{"a":1}')).toBe(broadcastFrame(identifier, '{"a":1}'));
  });
});

describe('broadcastPayloadJson', () => {
  it('embeds a Rails-encoded Turbo Stream verbatim, keeping the \\u003c escapes byte for byte', () => {
    // ActiveSupport::JSON.encode('<turbo-stream action="append">&</turbo-stream>')
    const rails = String.raw`"\u003cturbo-stream action=\"append\"\u003e\u0026\u003c/turbo-stream\u003e"`;
    expect(broadcastPayloadJson(rails)).toBe(rails);
    expect(JSON.parse(broadcastFrame('id', broadcastPayloadJson(rails))).message).toBe('<turbo-stream action="append">&</turbo-stream>');
  });

  it('keeps objects and arrays as sent: key order, escapes, number spelling, inner whitespace', () => {
    for (const json of ['{"z":1,"a":{"y":[1,2]}}', '{ "b" : 1,\n  "a" : [ 1 , 2 ] }', '[1.0,1e3,-0,12345678901234567890]', String.raw`{"s":"\u00e9\/\n"}`, '{}', '[]']) {
      expect(broadcastPayloadJson(json)).toBe(json);
    }
  });

  it('delivers null as null (as Rails does), and numbers, booleans and strings as JSON', () => {
    expect(broadcastPayloadJson('null')).toBe('null');
    expect(JSON.parse(broadcastFrame('id', broadcastPayloadJson('null')))).toEqual({ identifier: 'id', message: null });
    expect(broadcastPayloadJson('42')).toBe('42');
    expect(broadcastPayloadJson('-1.5e-3')).toBe('-1.5e-3');
    expect(broadcastPayloadJson('true')).toBe('true');
    expect(broadcastPayloadJson('"hi"')).toBe('"hi"');
  });

  it('sends text that is not JSON as a JSON string', () => {
    expect(broadcastPayloadJson('hello')).toBe('"hello"');
    expect(broadcastPayloadJson('')).toBe('""');
    expect(broadcastPayloadJson('   ')).toBe('"   "');
    expect(broadcastPayloadJson('{"a":1')).toBe('"{\\"a\\":1"');
    expect(broadcastPayloadJson("{'a':1}")).toBe(`"{'a':1}"`);
    expect(broadcastPayloadJson('NaN')).toBe('"NaN"');
    expect(broadcastPayloadJson('1 2')).toBe('"1 2"');
    expect(broadcastPayloadJson('<p>hi</p>')).toBe('"<p>hi</p>"');
  });

  it('drops JSON whitespace around a JSON text (the frame stays compact) but nothing else', () => {
    expect(broadcastPayloadJson(' {"a":1}\n')).toBe('{"a":1}');
    expect(broadcastPayloadJson('\t\r\n 7 \r\n')).toBe('7');
    // U+FEFF and U+00A0 are not JSON whitespace: the text does not parse, so it goes out as a string, untouched.
    expect(broadcastPayloadJson('\uFEFF{"a":1}')).toBe(JSON.stringify('\uFEFF{"a":1}'));
    expect(broadcastPayloadJson('\u00A01')).toBe(JSON.stringify('\u00A01'));
  });

  it('always yields a JSON text that makes the frame parse', () => {
    for (const data of ['null', ' 1 ', 'x', '"\u2028"', '{"a":"\u2029"}', '[', ']', '\u0000']) {
      expect(() => JSON.parse(broadcastFrame('id', broadcastPayloadJson(data)))).not.toThrow();
    }
  });
});

describe('disconnect reason catalogue', () => {
  it('has the AnyCable reasons with their reconnect defaults and close codes', () => {
    expect(DISCONNECT_REASONS.unauthorized).toMatchObject({ reconnect: false, closeCode: 1000, closeText: 'Auth Failed' });
    expect(DISCONNECT_REASONS.token_expired).toMatchObject({ reconnect: false, closeCode: 1000 });
    expect(DISCONNECT_REASONS.server_restart).toMatchObject({ reconnect: true, closeCode: 1001, closeText: 'Server restart' });
    expect(DISCONNECT_REASONS.remote).toMatchObject({ reconnect: true, closeText: 'Closed remotely' });
    expect(DISCONNECT_REASONS.too_slow).toMatchObject({ reconnect: true });
    expect(DISCONNECT_REASONS.invalid_request).toMatchObject({ reconnect: false });
    expect(isDisconnectReason('no_pong')).toBe(true);
    expect(isDisconnectReason('toString')).toBe(false);
  });
});
