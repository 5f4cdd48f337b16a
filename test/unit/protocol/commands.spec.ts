import { parseCommand, parseIdentifier } from '../../../src/protocol/commands.js';

describe('parseCommand', () => {
  const identifier = JSON.stringify({ channel: 'ChatChannel', id: 42 });

  it('parses subscribe, unsubscribe and message commands, keeping the identifier byte for byte', () => {
    const odd = '{"id":42,  "channel":"ChatChannel"}';
    expect(parseCommand(JSON.stringify({ command: 'subscribe', identifier: odd }))).toEqual({ kind: 'subscribe', identifier: odd });
    expect(parseCommand(JSON.stringify({ command: 'unsubscribe', identifier }))).toEqual({ kind: 'unsubscribe', identifier });
    expect(parseCommand(JSON.stringify({ command: 'message', identifier, data: '{"action":"speak"}' }))).toEqual({
      kind: 'message',
      identifier,
      data: '{"action":"speak"}',
    });
  });

  it('parses ping, pong and whisper', () => {
    expect(parseCommand('{"command":"ping"}')).toEqual({ kind: 'ping' });
    expect(parseCommand('{"command":"pong"}')).toEqual({ kind: 'pong' });
    expect(parseCommand(JSON.stringify({ command: 'whisper', identifier, data: { typing: true } }))).toEqual({ kind: 'whisper', identifier, data: { typing: true } });
  });

  it.each([
    ['not json', 'malformed JSON'],
    ['[1,2]', 'frame is not a JSON object'],
    ['null', 'frame is not a JSON object'],
    ['{"identifier":"x"}', 'missing command'],
    ['{"command":"explode","identifier":"x"}', 'unknown command: explode'],
    ['{"command":"subscribe"}', 'subscribe: identifier must be a non-empty string'],
    ['{"command":"subscribe","identifier":{"channel":"X"}}', 'subscribe: identifier must be a non-empty string'],
    ['{"command":"message","identifier":"x","data":{"action":"a"}}', 'message: data must be a string'],
  ])('returns invalid for %s', (text, reason) => {
    expect(parseCommand(text)).toEqual({ kind: 'invalid', reason });
  });
});

describe('parseIdentifier', () => {
  it('returns the channel params of a JSON object identifier', () => {
    expect(parseIdentifier('{"channel":"$pubsub","stream_name":"a"}')).toEqual({ channel: '$pubsub', stream_name: 'a' });
  });

  it.each(['nope', '"ChatChannel"', '{"id":1}', '{"channel":""}', '{"channel":5}', '[]'])('rejects %s', (identifier) => {
    expect(parseIdentifier(identifier)).toBeUndefined();
  });
});
