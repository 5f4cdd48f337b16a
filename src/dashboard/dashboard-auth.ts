/**
 * Who may see the dashboard: anyone in public mode, else whoever holds
 * `dashboard_key`, sent once as `?key=` (answered with an HttpOnly cookie and
 * a redirect, so the key leaves the address bar) or as `Authorization: Bearer`.
 * The cookie holds an HMAC of the key, never the key itself.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { bearerMatches } from '../broadcast/http.broadcaster.js';
import type { DashboardAuth } from './dashboard.options.js';

/** Name of the session cookie. */
export const DASHBOARD_COOKIE = 'cablecar_dashboard';

/** Whether a request may see the dashboard, and what to do otherwise. */
export type DashboardAccess = { kind: 'allowed' } | { kind: 'login'; setCookie: string } | { kind: 'denied' };

/** The cookie value for a key: hex HMAC-SHA256(key, "cablecar-dashboard"). */
export function sessionToken(key: string): string {
  return createHmac('sha256', key).update('cablecar-dashboard').digest('hex');
}

function equal(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The value of cookie `name` in a Cookie header. */
function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Decide access for `req`; `keyParam` is the `?key=` value of a page request, if any. */
export function dashboardAccess(auth: DashboardAuth, req: IncomingMessage, path: string, keyParam: string | null): DashboardAccess {
  if (auth.kind === 'open') return { kind: 'allowed' };
  const token = sessionToken(auth.key);
  if (keyParam !== null) {
    if (!equal(sessionToken(keyParam), token)) return { kind: 'denied' };
    return { kind: 'login', setCookie: `${DASHBOARD_COOKIE}=${token}; Path=${path}; HttpOnly; SameSite=Strict` };
  }
  const cookie = cookieValue(req.headers.cookie, DASHBOARD_COOKIE);
  if (cookie !== undefined && equal(cookie, token)) return { kind: 'allowed' };
  return bearerMatches(req.headers.authorization, auth.key) ? { kind: 'allowed' } : { kind: 'denied' };
}
