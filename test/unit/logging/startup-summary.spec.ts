import { CableLogger } from '../../../src/logging/cable-logger.js';
import { startupFields, type StartupFacts } from '../../../src/logging/startup-summary.js';
import { describeMetricsEndpoint } from '../../../src/metrics/metrics.options.js';
import { describeRpcTarget } from '../../../src/rpc/rpc.options.js';
import { testConfig } from '../../support/modules.js';

const facts: StartupFacts = {
  host: '0.0.0.0',
  port: 8080,
  paths: ['/cable'],
  tls: 'off',
  identification: ['jwt', 'rpc'],
  channels: ['$pubsub', 'Turbo::StreamsChannel'],
  broadcasters: ['http', 'redis'],
  pubsub: 'redis',
  rpc: 'grpc localhost:50051',
  metrics: 'off',
};

describe('startupFields', () => {
  it('lists what is on as comma-joined fields, address first', () => {
    expect(startupFields(facts)).toEqual({
      host: '0.0.0.0',
      port: 8080,
      paths: '/cable',
      tls: 'off',
      identification: 'jwt,rpc',
      channels: '$pubsub,Turbo::StreamsChannel',
      broadcasters: 'http,redis',
      pubsub: 'redis',
      rpc: 'grpc localhost:50051',
      metrics: 'off',
    });
  });

  it('says in words when nothing identifies connections or no channel is local', () => {
    const fields = startupFields({ ...facts, identification: [], channels: [], broadcasters: [] });
    expect(fields).toMatchObject({ identification: '(none: every connection is unauthorized)', channels: '(none)', broadcasters: '(none)' });
  });
});

describe('describeMetricsEndpoint', () => {
  it('names where Prometheus scrapes: off, a path on the main server, or its own address', () => {
    expect(describeMetricsEndpoint(undefined)).toBe('off');
    expect(describeMetricsEndpoint({ kind: 'main', path: '/metrics' })).toBe('/metrics');
    expect(describeMetricsEndpoint({ kind: 'own', path: '/metrics', host: '127.0.0.1', port: 9100 })).toBe('127.0.0.1:9100/metrics');
    expect(describeMetricsEndpoint({ kind: 'own', path: '/m', host: '', port: 9100 })).toBe('(main host):9100/m');
  });
});

describe('describeRpcTarget', () => {
  const rpcOf = (argv: string[]) => testConfig(argv).config.settings.rpc.client;

  it('names the transport and the host, never credentials or a query', () => {
    expect(describeRpcTarget(rpcOf(['--rpc_host', 'http://rails.internal:3000/_anycable?token=abc']))).toBe('http http://rails.internal:3000/_anycable');
    expect(() => rpcOf(['--rpc_host', 'http://user:pass@rails.internal:3000/_anycable'])).toThrow(/must not carry credentials/);
    expect(describeRpcTarget(rpcOf(['--rpc_host', 'rails:50051']))).toBe('grpc rails:50051');
    expect(describeRpcTarget(rpcOf(['--norpc']))).toBe('off (norpc)');
  });
});

describe('CableLogger and Nest', () => {
  it("puts Nest's own start-up chatter at debug and keeps other log() calls at info", () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new CableLogger({ level: 'debug', format: 'json', write: (line) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('user module says hi', 'ChatModule');
    expect(lines.map((l) => [l.level, l.context])).toEqual([
      ['debug', 'InstanceLoader'],
      ['info', 'ChatModule'],
    ]);
  });
});
