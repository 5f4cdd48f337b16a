/**
 * Per-connection settings a client may put in the WebSocket URL's query, as anycable-go reads
 * them (anycable cli/session_options.go): `?pi=<seconds>` ping interval and `?ptp=s|ms|ns` ping
 * timestamp precision. Parsing is total: a bad value is reported and ignored, never thrown.
 * `?sid=` (session restore) belongs to the extended protocol's history support, not implemented.
 */
import type { PingPrecision } from './messages.js';

/** Query parameter carrying the connection's ping interval in whole seconds. */
export const PING_INTERVAL_PARAM = 'pi';
/** Query parameter carrying the connection's ping timestamp precision. */
export const PING_PRECISION_PARAM = 'ptp';
/**
 * Largest `?pi` honoured. anycable-go takes any integer; here each distinct interval is a shared
 * timer (hub/ping-schedule.ts), so the range bounds how many timers clients can make the server run.
 */
export const MAX_QUERY_PING_INTERVAL_SECONDS = 300;

const PRECISIONS: readonly string[] = ['s', 'ms', 'ns'] satisfies readonly PingPrecision[];

/** The ping settings a connection asked for; absent fields keep the server's. */
export interface QueryPingSettings {
  intervalSeconds?: number;
  precision?: PingPrecision;
}

/** A query parameter that was present but unusable, for the debug log. */
export interface IgnoredParam {
  param: string;
  /** The value as sent, cut to 32 characters. */
  value: string;
  why: string;
}

/** Read `pi` and `ptp` from a connection's query; bad values land in `ignored` (anycable-go logs and ignores them too). */
export function pingSettingsFromQuery(query: URLSearchParams): { settings: QueryPingSettings; ignored: IgnoredParam[] } {
  const settings: QueryPingSettings = {};
  const ignored: IgnoredParam[] = [];
  const interval = query.get(PING_INTERVAL_PARAM);
  if (interval !== null && interval !== '') {
    const seconds = /^\d{1,6}$/.test(interval) ? Number(interval) : NaN;
    if (seconds >= 1 && seconds <= MAX_QUERY_PING_INTERVAL_SECONDS) settings.intervalSeconds = seconds;
    else ignored.push({ param: PING_INTERVAL_PARAM, value: interval.slice(0, 32), why: `must be a whole number of seconds from 1 to ${MAX_QUERY_PING_INTERVAL_SECONDS}` });
  }
  const precision = query.get(PING_PRECISION_PARAM);
  if (precision !== null && precision !== '') {
    if (PRECISIONS.includes(precision)) settings.precision = precision as PingPrecision;
    else ignored.push({ param: PING_PRECISION_PARAM, value: precision.slice(0, 32), why: 'must be s, ms or ns' });
  }
  return { settings, ignored };
}
