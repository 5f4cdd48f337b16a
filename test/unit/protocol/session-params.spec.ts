import { MAX_QUERY_PING_INTERVAL_SECONDS, pingSettingsFromQuery } from '../../../src/protocol/session-params.js';

const parse = (query: string) => pingSettingsFromQuery(new URLSearchParams(query));

describe('pingSettingsFromQuery (?pi, ?ptp as anycable cli/session_options.go reads them)', () => {
  it('reads a whole-second interval and a precision', () => {
    expect(parse('pi=10&ptp=ms')).toEqual({ settings: { intervalSeconds: 10, precision: 'ms' }, ignored: [] });
    expect(parse('ptp=ns')).toEqual({ settings: { precision: 'ns' }, ignored: [] });
    expect(parse(`pi=${MAX_QUERY_PING_INTERVAL_SECONDS}`).settings).toEqual({ intervalSeconds: MAX_QUERY_PING_INTERVAL_SECONDS });
  });

  it('asks for nothing when the parameters are absent or empty', () => {
    expect(parse('')).toEqual({ settings: {}, ignored: [] });
    expect(parse('pi=&ptp=&token=x')).toEqual({ settings: {}, ignored: [] });
  });

  it('reports and ignores bad values, each cut to 32 characters', () => {
    for (const bad of ['0', '-1', '1.5', 'abc', '1e3', String(MAX_QUERY_PING_INTERVAL_SECONDS + 1), '9'.repeat(40)]) {
      const { settings, ignored } = parse(`pi=${encodeURIComponent(bad)}`);
      expect(settings).toEqual({});
      expect(ignored).toEqual([{ param: 'pi', value: bad.slice(0, 32), why: expect.stringMatching(/whole number of seconds/) }]);
    }
    expect(parse('ptp=us&pi=5')).toEqual({ settings: { intervalSeconds: 5 }, ignored: [{ param: 'ptp', value: 'us', why: 'must be s, ms or ns' }] });
  });
});
