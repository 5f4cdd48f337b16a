/**
 * `rpc_host` parsing as anycable-go does it (rpc/config.go `Impl`,
 * rpc/grpc_resolvers.go): an `http://` or `https://` URL selects HTTP RPC;
 * anything else is a gRPC target, where `grpc-list://a:1,b:2` names several
 * servers to spread calls over and `dns:///host:port` asks for DNS resolution
 * of every address (grpc-js understands `dns:` itself).
 */

/** Where RPC calls go. */
export type RpcEndpoint =
  /** gRPC; calls rotate over `targets` (one unless `grpc-list://`). */
  | { transport: 'grpc'; targets: string[] }
  /** HTTP RPC; `url` has no trailing slash, paths `/connect` etc. are appended. */
  | { transport: 'http'; url: string };

/** A parsed endpoint, or the problem with the value. */
export type RpcHostOutcome = { kind: 'ok'; endpoint: RpcEndpoint } | { kind: 'invalid'; problem: string };

const LIST_PREFIX = 'grpc-list://';

/** Parse an `rpc_host` value. */
export function parseRpcHost(raw: string): RpcHostOutcome {
  const host = raw.trim();
  if (host === '') return { kind: 'invalid', problem: 'must not be empty' };
  if (/^https?:\/\//i.test(host)) {
    try {
      const url = new URL(host);
      if (url.username || url.password) return { kind: 'invalid', problem: 'must not carry credentials (use http_rpc_secret)' };
      return { kind: 'ok', endpoint: { transport: 'http', url: url.href.replace(/\/+$/, '') } };
    } catch {
      return { kind: 'invalid', problem: `not a valid URL: ${JSON.stringify(host)}` };
    }
  }
  if (host.toLowerCase().startsWith(LIST_PREFIX)) {
    const targets = host.slice(LIST_PREFIX.length).split(',').map((t) => t.trim()).filter(Boolean);
    if (targets.length === 0) return { kind: 'invalid', problem: 'grpc-list:// needs at least one host:port' };
    const bad = targets.find((t) => !/^[^\s/]+:\d{1,5}$/.test(t));
    if (bad) return { kind: 'invalid', problem: `grpc-list:// entry ${JSON.stringify(bad)} is not host:port` };
    return { kind: 'ok', endpoint: { transport: 'grpc', targets } };
  }
  // anycable-go accepts `grpc://host:port` (it adds the scheme itself when missing); grpc-js does not know it.
  const target = host.replace(/^grpc:\/\//i, '');
  if (/\s/.test(target)) return { kind: 'invalid', problem: `not a gRPC target: ${JSON.stringify(host)}` };
  return { kind: 'ok', endpoint: { transport: 'grpc', targets: [target] } };
}
