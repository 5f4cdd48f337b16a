/**
 * The `env` of a Connect call, built from the upgrade request as anycable-go
 * does (server/headers_extractor.go, server/request_info.go): the full URL
 * with an http(s) scheme, only the headers named by the `headers` option
 * (lower-case names, empty values left out), the `Cookie` header cut down to
 * the cookies named by `proxy-cookies` when that list is set, and the client
 * address as `REMOTE_ADDR`. Everything else (tokens, other cookies) stays here.
 */
import type { RpcEnv } from './rpc-messages.js';

/** What the upgrade request offers. */
export interface RpcEnvSource {
  /** Request URL (ws/wss schemes are turned into http/https). */
  url: string;
  /** Request headers as Node gives them (lower-case names). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Client address from the socket. */
  remoteAddress?: string;
}

/** Which parts of the request Rails may see. */
export interface RpcEnvSettings {
  /** Header names to forward (`headers`, default `cookie`). */
  headers: readonly string[];
  /** Cookie names to keep (`proxy-cookies`); empty = all cookies. */
  proxyCookies: readonly string[];
}

/** Build the `env` (no state yet: the session adds `cstate`/`istate` per call). */
export function buildRpcEnv(source: RpcEnvSource, settings: RpcEnvSettings): RpcEnv {
  const headers: Record<string, string> = {};
  for (const rawName of settings.headers) {
    const name = rawName.trim().toLowerCase();
    if (!name) continue;
    const raw = source.headers[name];
    let value = Array.isArray(raw) ? raw.join(', ') : (raw as string | undefined);
    if (name === 'cookie' && value && settings.proxyCookies.length > 0) value = filterCookies(value, settings.proxyCookies);
    if (value) headers[name] = value;
  }
  const address = source.remoteAddress ? plainAddress(source.remoteAddress) : '';
  if (address) headers.REMOTE_ADDR = address;
  return { url: httpUrl(source.url), headers };
}

/** Keep only the named cookies of a `Cookie` header, in their original order and spelling. */
export function filterCookies(cookieHeader: string, keep: readonly string[]): string {
  const wanted = new Set(keep);
  return cookieHeader
    .split(';')
    .map((pair) => pair.trim())
    .filter((pair) => pair && wanted.has(pair.split('=', 1)[0].trim()))
    .join('; ');
}

/** `ws://` → `http://`, `wss://` → `https://` (Rails builds its request from an http URL). */
function httpUrl(url: string): string {
  return url.replace(/^ws(s?):\/\//i, (_, s: string) => `http${s}://`);
}

/** An IPv4 client on a dual-stack socket reads `::ffff:1.2.3.4`; Go reports `1.2.3.4`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}
