import { backoffMs, EdgeStatus } from '../../../src/lifecycle/edge-status.js';
import { EdgeRegistry } from '../../../src/lifecycle/edge-registry.js';
import { quietLogger } from '../../support/modules.js';

const messages = (lines: string[]) => lines.map((line) => `${JSON.parse(line).level} ${JSON.parse(line).msg}`);

describe('EdgeStatus', () => {
  it('logs once per state change, not once per retry, and says connected, lost, reconnected', () => {
    const lines: string[] = [];
    const status = new EdgeStatus('pubsub:redis', quietLogger(lines));
    expect(status.readiness()).toEqual({ name: 'pubsub:redis', state: 'starting' });
    status.up();
    status.down('ECONNREFUSED');
    status.down('ECONNREFUSED');
    status.down('ETIMEDOUT');
    status.up();
    status.up();
    expect(messages(lines)).toEqual(['info pubsub:redis connected', 'error pubsub:redis connection lost; reconnecting with backoff', 'info pubsub:redis reconnected']);
  });

  it('says unreachable when the first connection fails, reports the last error, and is quiet once stopped', () => {
    const lines: string[] = [];
    const status = new EdgeStatus('broadcaster:nats', quietLogger(lines));
    status.down('connection refused');
    status.down('timeout');
    expect(status.readiness('SUB x')).toEqual({ name: 'broadcaster:nats', state: 'down', detail: 'timeout; SUB x' });
    status.stop();
    status.up();
    expect(status.readiness()).toEqual({ name: 'broadcaster:nats', state: 'down', detail: 'stopped' });
    expect(messages(lines)).toEqual(['error broadcaster:nats unreachable; retrying with backoff']);
  });
});

describe('backoffMs', () => {
  it('grows exponentially with jitter and stays under the cap', () => {
    for (let attempt = 1; attempt < 40; attempt++) {
      const delay = backoffMs(attempt);
      const ceiling = Math.min(5000, 100 * 2 ** attempt);
      expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
      expect(delay).toBeLessThanOrEqual(ceiling);
    }
  });
});

describe('EdgeRegistry', () => {
  it('asks every source for its edges on each report, in registration order', () => {
    const registry = new EdgeRegistry();
    let late: { readiness: () => { name: string; state: 'up' } }[] = [];
    registry.register(() => [{ start: async () => undefined, stop: async () => undefined, readiness: () => ({ name: 'a', state: 'up' }) }]);
    registry.register(() => late as never);
    expect(registry.readiness().map((r) => r.name)).toEqual(['a']);
    late = [{ readiness: () => ({ name: 'b', state: 'up' }) }];
    expect(registry.readiness().map((r) => r.name)).toEqual(['a', 'b']);
  });
});
