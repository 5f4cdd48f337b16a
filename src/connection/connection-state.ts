/**
 * Connection state as anycable-go keeps it per session (common/common.go
 * `SessionEnv`): `env` (request URL and allow-listed headers, fixed at upgrade),
 * `cstate` (connection state) and `istate` (state per subscription identifier).
 * Handlers see it read-only through `ConnectionContext` and change it only by
 * returning a `StatePatch` in an outcome. Plain TypeScript, no Nest.
 */
import type { IncomingHttpHeaders } from 'node:http';

/**
 * A string map of connection or subscription state; frozen, replaced on change,
 * never mutated. A plain object (fast property access, one shared shape per key
 * order), so look keys up with `Object.hasOwn` when they may be inherited names.
 */
export type StateMap = Readonly<Record<string, string>>;

/** Keys to set in a `StateMap`; an empty-string value deletes the key (anycable node/node.go). */
export type StatePatch = Readonly<Record<string, string>>;

/** The state of a connection or subscription nobody has written to (shared, so idle sessions cost nothing). */
export const EMPTY_STATE: StateMap = Object.freeze({});

/** `istate` key holding the stream a subscription's whispers go to (anycable common/common.go `WHISPER_STREAM_STATE`). */
export const WHISPER_STREAM_STATE = '$w';

/** Header key under which the client address is kept, upper-case as anycable server/headers_extractor.go writes it. */
export const REMOTE_ADDR_HEADER = 'REMOTE_ADDR';

/** The request facts a connection keeps for its whole life (what RPC's `env.url` / `env.headers` carry). */
export interface ConnectionEnv {
  /** Full request URL with an http(s) scheme. */
  readonly url: string;
  /** Allow-listed request headers by lower-case name, plus `REMOTE_ADDR`; empty values are left out. */
  readonly headers: Readonly<Record<string, string>>;
}

/** Read-only view of one connection, passed to every channel and fallback call. */
export interface ConnectionContext {
  /** Session id. */
  readonly sid: string;
  /** Connection identifiers JSON string ('' until identified). */
  readonly identifiers: string;
  readonly env: ConnectionEnv;
  /** Connection state (`cstate`). */
  readonly cstate: StateMap;
  /** State of one subscription (`istate`); empty for an identifier the connection does not hold. */
  istate(identifier: string): StateMap;
  /** Verified JWT claims when a JWT identified the connection (for channels that authorize from claims). */
  readonly claims?: Readonly<Record<string, unknown>>;
  /**
   * Fires when the connection closes, so I/O started for it (an RPC call) is
   * cancelled; created on first use, so connections that never ask cost nothing.
   */
  readonly signal: AbortSignal;
  /**
   * Whether some outcome asked to hear about this connection's close
   * (`disconnectInterest`, anycable `DisconnectInterest`); RPC's
   * `disconnect_mode=auto` calls Disconnect only for such connections.
   */
  readonly disconnectInterest: boolean;
  /**
   * Send a frame to the subscription `identifier` while it lives, from work that ends after its
   * handler returned; false (nothing sent) once the subscription or the connection is gone.
   */
  sendToSubscription(identifier: string, frame: string): boolean;
}

/**
 * Copy what the connection keeps from the upgrade request, once: the URL, the
 * headers named in `allowList` (lower-case names) and the client address
 * (an IPv4-mapped IPv6 address as plain IPv4). Only
 * these strings are retained, never the request or its header object.
 * An env equal to the previous connection's is that same (frozen) object.
 */
export function connectionEnv(url: string, headers: IncomingHttpHeaders, allowList: readonly string[], remoteAddress: string | undefined): ConnectionEnv {
  // why a plain object filled in allow-list order: every connection shares one hidden class
  // (a null-prototype object is a per-connection hash table, ~160 bytes more; bench/heap-diff.js).
  const kept: Record<string, string> = {};
  let count = 0;
  for (const name of allowList) {
    const value = headers[name];
    const text = Array.isArray(value) ? value.join('; ') : value;
    if (text) {
      kept[name] = text;
      count++;
    }
  }
  if (remoteAddress) {
    kept[REMOTE_ADDR_HEADER] = plainAddress(remoteAddress);
    count++;
  }
  // why share: clients of one app usually open the same URL through the same proxy (one REMOTE_ADDR) and,
  // without cookies in the allow-list, differ in nothing kept here; sharing the previous env then saves
  // its three objects and two strings per connection (~170 bytes idle), and checking costs a few compares.
  const previous = lastEnv;
  if (previous !== undefined && previous.url === url && sameHeaders(previous.headers, kept, count)) return previous;
  lastEnv = Object.freeze({ url, headers: Object.freeze(kept) });
  lastEnvHeaderCount = count;
  return lastEnv;
}

/** The env `connectionEnv` returned last, and its number of headers (see the sharing note there). */
let lastEnv: ConnectionEnv | undefined;
let lastEnvHeaderCount = 0;

/** Whether `kept` (with `count` keys) holds exactly the headers of the last env. */
function sameHeaders(previous: Readonly<Record<string, string>>, kept: Readonly<Record<string, string>>, count: number): boolean {
  if (count !== lastEnvHeaderCount) return false;
  for (const name in kept) if (previous[name] !== kept[name] || !Object.hasOwn(previous, name)) return false;
  return true;
}

/** An IPv4 client on a dual-stack socket reads `::ffff:1.2.3.4`; anycable-go reports `1.2.3.4`. */
function plainAddress(address: string): string {
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Apply `patch` to `current`: a new frozen map, or `current` itself when the patch is empty. */
export function patchState(current: StateMap, patch: StatePatch | undefined): StateMap {
  const keys = patch ? Object.keys(patch) : [];
  if (keys.length === 0) return current;
  const merged = new Map(Object.entries(current));
  for (const key of keys) {
    const value = patch![key];
    if (value === '') merged.delete(key);
    else merged.set(key, value);
  }
  // why fromEntries rather than `delete`: deleting from an object turns it into a slow hash table;
  // fromEntries also defines a key such as `__proto__` as an own property instead of dropping it.
  return merged.size === 0 ? EMPTY_STATE : Object.freeze(Object.fromEntries(merged));
}
