/**
 * The `env` of an RPC call, from what the connection kept at upgrade
 * (`ConnectionEnv`: the http(s) URL, the headers named by the `server` slice's
 * `headers` option, `REMOTE_ADDR`; anycable server/headers_extractor.go,
 * server/request_info.go) plus the `proxy-cookies` filter, which cuts the
 * `Cookie` header down to the named cookies (anycable-go's cookie filter).
 * Everything else (tokens, other cookies) never leaves cablecar.
 */
import type { ConnectionEnv, StateMap } from '../connection/connection-state.js';
import type { RpcEnv } from './rpc-messages.js';

/** What the `rpc` slice adds to the connection's env. */
export interface RpcEnvSettings {
  /** Cookie names to keep (`proxy-cookies`); empty = all cookies. */
  proxyCookies: readonly string[];
}

/**
 * Builds each call's `env`. The filtered headers are computed once per
 * connection and remembered, so a session's commands do not re-parse its cookies.
 */
export class RpcEnvBuilder {
  // why a WeakMap: the entry goes with the connection's env; nothing to clean up on close.
  private readonly filtered = new WeakMap<ConnectionEnv, Record<string, string>>();

  constructor(private readonly settings: RpcEnvSettings) {}

  /** The `env` of a call for a connection (the same headers object on every call), with the state given. */
  requestEnv(env: ConnectionEnv, cstate?: StateMap, istate?: Readonly<Record<string, string>>): RpcEnv {
    const out: RpcEnv = { url: env.url, headers: this.headersOf(env) };
    if (cstate) out.cstate = cstate as Record<string, string>;
    if (istate) out.istate = istate as Record<string, string>;
    return out;
  }

  private headersOf(env: ConnectionEnv): Record<string, string> {
    const cookie = env.headers.cookie;
    if (this.settings.proxyCookies.length === 0 || cookie === undefined) return env.headers as Record<string, string>;
    let headers = this.filtered.get(env);
    if (!headers) {
      const kept = filterCookies(cookie, this.settings.proxyCookies);
      headers = { ...env.headers };
      if (kept) headers.cookie = kept;
      else delete headers.cookie;
      this.filtered.set(env, headers);
    }
    return headers;
  }
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
