import { counterFamilies, type MetricSources } from '../../../src/metrics/catalogue.js';
import { Counters } from '../../../src/metrics/counters.js';
import { parseMetricsTags, resolveMetricsSettings, MetricsOptions } from '../../../src/metrics/metrics.options.js';
import { PrometheusExporter } from '../../../src/metrics/prometheus.js';

const sourcesOf = (counters: Counters): MetricSources => ({ counters, clients: () => 2, uniqueClients: () => 1, streams: () => 3 });

describe('counterFamilies', () => {
  it('splits names at the first ":" into metric and label, names the label by family, types *_total as counters', () => {
    const families = counterFamilies({ 'disconnects_total:too_slow': 2, 'disconnects_total:remote': 1, 'subscriptions:Chat': 4, 'max_conn_refusals_total': 7, 'rejections_total:a:b': 1 });
    expect(families.get('disconnects_total')).toMatchObject({ type: 'counter', label: 'reason', values: new Map([['too_slow', 2], ['remote', 1]]) });
    expect(families.get('subscriptions')).toMatchObject({ type: 'gauge', label: 'channel' });
    expect(families.get('max_conn_refusals_total')).toMatchObject({ type: 'counter', label: undefined, values: new Map([['', 7]]) });
    expect(families.get('rejections_total')).toMatchObject({ label: 'key', values: new Map([['a:b', 1]]) });
  });
});

describe('PrometheusExporter', () => {
  it('shows named counters added after it was built, under cablecar_, without a per-frame call', async () => {
    const counters = new Counters();
    const exporter = new PrometheusExporter(sourcesOf(counters), { env: 'test' });
    counters.add('origin_refusals_total');
    counters.add('dropped_publications_total:pubsub:redis', 3);
    counters.limitHit('command_rate');
    counters.clientMessages += 5;
    const { body, contentType } = await exporter.scrape();
    expect(contentType).toMatch(/^text\/plain/);
    expect(body).toContain('cablecar_origin_refusals_total{env="test"} 1');
    expect(body).toContain('cablecar_dropped_publications_total{edge="pubsub:redis",env="test"} 3');
    expect(body).toContain('cablecar_limit_hits_total{limit="command_rate",env="test"} 1');
    expect(body).toContain('anycable_go_client_msg_total{env="test"} 5');
    expect(body).toContain('anycable_go_clients_num{env="test"} 2');
    expect(body).toContain('anycable_go_rpc_capacity_num{env="test"} 0');
    counters.limitHit('command_rate');
    expect((await exporter.scrape()).body).toContain('cablecar_limit_hits_total{limit="command_rate",env="test"} 2');
  });
});

describe('metrics options', () => {
  it('parse tags as key:value and name the bad ones', () => {
    expect(parseMetricsTags(['env:prod', 'url:http://x'])).toEqual({ tags: { env: 'prod', url: 'http://x' }, problems: [] });
    expect(parseMetricsTags(['nocolon', '1x:y', '__x:y']).problems).toHaveLength(3);
  });

  it('serve on the main server unless metrics_host or metrics_port is set; 0 means the default interval', () => {
    const options = Object.assign(new MetricsOptions(), { metricsHttp: '/metrics', metricsLog: true, metricsRotateInterval: 0 });
    expect(resolveMetricsSettings(options).settings).toEqual({ http: { kind: 'main', path: '/metrics' }, tags: {}, log: { intervalSeconds: 15, filter: undefined } });
    expect(resolveMetricsSettings({ ...options, metricsPort: 9100 }).settings.http).toEqual({ kind: 'own', path: '/metrics', host: '', port: 9100 });
    expect(resolveMetricsSettings({ ...options, metricsLogFilter: ['clients_num', 'nope'] }).warnings).toEqual([expect.stringMatching(/metrics_log_filter: no metric named nope/)]);
  });
});
