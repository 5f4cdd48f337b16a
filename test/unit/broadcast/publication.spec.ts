import { encodeBroadcastItem, parseBroadcastBody } from '../../../src/broadcast/publication.js';
import { bearerMatches, broadcastAuthFor } from '../../../src/broadcast/http.broadcaster.js';

describe('parseBroadcastBody', () => {
  it('parses a single publication, a batch, and a remote disconnect command', () => {
    expect(parseBroadcastBody('{"stream":"s","data":"1","meta":{"exclude_socket":"abc"}}')).toEqual({
      kind: 'ok',
      items: [{ kind: 'publication', publication: { stream: 's', data: '1', meta: { exclude_socket: 'abc' } } }],
    });
    const batch = parseBroadcastBody('[{"stream":"a","data":"1"},{"stream":"b","data":"2"}]');
    expect(batch.kind === 'ok' && batch.items.map((i) => i.kind === 'publication' && i.publication.stream)).toEqual(['a', 'b']);
    expect(parseBroadcastBody('{"command":"disconnect","payload":{"identifier":"{\\"user\\":1}","reconnect":false}}')).toEqual({
      kind: 'ok',
      items: [{ kind: 'disconnect', identifiers: '{"user":1}', reconnect: false }],
    });
  });

  it.each([
    ['{', /malformed JSON/],
    ['[]', /empty batch/],
    ['"x"', /expected an object/],
    ['{"data":"1"}', /"stream" must be a non-empty string/],
    ['{"stream":"s","data":{"a":1}}', /"data" must be a string \(JSON-encode the payload first\), got object/],
    ['[{"stream":"a","data":"1"},{"stream":"b"}]', /^\[1\]: "data" must be a string/],
    ['{"stream":"s","data":"1","meta":[]}', /meta must be an object/],
    ['{"command":"explode"}', /unknown command/],
    ['{"command":"disconnect","payload":{}}', /payload.identifier/],
  ])('refuses %s with a reason', (body, reason) => {
    const parsed = parseBroadcastBody(body);
    expect(parsed.kind).toBe('invalid');
    expect(parsed.kind === 'invalid' && parsed.reason).toMatch(reason);
  });
});

describe('broadcast auth', () => {
  it('requires the key when one is set, allows anonymous only in public mode', () => {
    expect(broadcastAuthFor('k', true)).toEqual({ kind: 'key', key: 'k' });
    expect(broadcastAuthFor('', true)).toEqual({ kind: 'public' });
    expect(broadcastAuthFor('', false)).toEqual({ kind: 'disabled' });
    expect(bearerMatches('Bearer k', 'k')).toBe(true);
    expect(bearerMatches('bearer  k ', 'k')).toBe(true);
    expect(bearerMatches('Bearer kk', 'k')).toBe(false);
    expect(bearerMatches(undefined, 'k')).toBe(false);
    expect(bearerMatches('Basic k', 'k')).toBe(false);
  });
});

describe('encodeBroadcastItem', () => {
  it('writes what parseBroadcastBody reads back: publications (meta only when present) and remote disconnects', () => {
    const items = [
      { kind: 'publication' as const, publication: { stream: 's', data: '{"a":1}', meta: {} } },
      { kind: 'publication' as const, publication: { stream: 's', data: '"x"', meta: { exclude_socket: 'sid', transient: true } } },
      { kind: 'disconnect' as const, identifiers: '{"user":1}', reconnect: false },
    ];
    expect(items.map(encodeBroadcastItem)).toEqual([
      '{"stream":"s","data":"{\\"a\\":1}"}',
      '{"stream":"s","data":"\\"x\\"","meta":{"exclude_socket":"sid","transient":true}}',
      '{"command":"disconnect","payload":{"identifier":"{\\"user\\":1}","reconnect":false}}',
    ]);
    for (const item of items) expect(parseBroadcastBody(encodeBroadcastItem(item))).toEqual({ kind: 'ok', items: [item] });
  });
});
