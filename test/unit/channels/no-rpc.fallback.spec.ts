import { NoRpcFallback, RPC_OFF } from '../../../src/channels/no-rpc.fallback.js';
import { CableLogger } from '../../../src/logging/cable-logger.js';
import { testContext } from '../../support/contexts.js';

function fallbackLogging(level: 'debug' | 'info') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = new CableLogger({ level, format: 'json', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { fallback: new NoRpcFallback(logger), lines };
}

describe('NoRpcFallback', () => {
  it('rejects subscriptions, saying at info (once per channel name) that RPC is off', () => {
    const { fallback, lines } = fallbackLogging('info');
    for (let i = 0; i < 3; i++) expect(fallback.subscribe(testContext(), `id${i}`, { channel: 'ChatChannel' })).toEqual({ kind: 'rejected', reason: RPC_OFF });
    fallback.subscribe(testContext(), 'x', { channel: 'OtherChannel' });
    expect(lines.map((l) => [l.level, l.msg, l.channel])).toEqual([
      ['info', 'subscription rejected: RPC is off', 'ChatChannel'],
      ['info', 'subscription rejected: RPC is off', 'OtherChannel'],
    ]);
  });

  it('logs repeats at debug, and stops reporting new names at info past a bound', () => {
    const { fallback, lines } = fallbackLogging('debug');
    for (let i = 0; i < 100; i++) fallback.subscribe(testContext(), 'id', { channel: `Invented${i}` });
    fallback.subscribe(testContext(), 'id', { channel: 'Invented0' });
    expect(lines.filter((l) => l.level === 'info')).toHaveLength(64);
    expect(lines.filter((l) => l.level === 'debug')).toHaveLength(37);
  });

  it('ignores messages, answers unsubscribe, and needs no disconnect call', () => {
    const { fallback, lines } = fallbackLogging('debug');
    expect(fallback.perform()).toEqual({ kind: 'ignored', reason: RPC_OFF });
    expect(fallback.unsubscribe()).toEqual({ kind: 'unsubscribed' });
    expect(fallback.disconnect()).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
