import { DISCONNECT_REASONS, isDisconnectReason } from '../../../src/protocol/disconnect-reasons.js';
import { broadcastFrame, broadcastPayloadJson, confirmFrame, disconnectFrame, pingFrame, rejectFrame, welcomeFrame } from '../../../src/protocol/messages.js';

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

  it('embeds JSON broadcast data parsed and anything else as a string', () => {
    expect(broadcastPayloadJson('{"a":1}')).toBe('{"a":1}');
    expect(broadcastPayloadJson('"<turbo-stream>"')).toBe('"<turbo-stream>"');
    expect(broadcastPayloadJson('hello')).toBe('"hello"');
    expect(broadcastPayloadJson('null')).toBe('"null"');
    expect(JSON.parse(broadcastFrame(identifier, '{"a":1}'))).toEqual({ identifier, message: { a: 1 } });
    expect(JSON.parse(broadcastFrame(identifier, '1', 'presence'))).toEqual({ identifier, message: 1, type: 'presence' });
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
