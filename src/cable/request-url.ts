/**
 * The request URL of an upgrade, built without trusting the `Host` header:
 * `new URL()` throws on hosts such as `x:99999`, `[`, `a b` or `::1`, and that
 * exception once escaped the gateway and ended the process. A host is accepted
 * only in the shapes RFC 7230 §5.4 allows (reg-name or IPv4, bracketed IPv6,
 * optional port 0..65535); anything else is refused with 400 before upgrading.
 */

const HOST_PATTERN = /^(?:[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9_])?|\[[0-9A-Fa-f:.]{2,45}\])(?::(\d{1,5}))?$/;

/** Whether `host` (a `Host` header value) is one a URL can be built from. */
export function validHost(host: string | undefined): host is string {
  if (host === undefined) return false;
  const match = HOST_PATTERN.exec(host);
  if (!match) return false;
  return match[1] === undefined || Number(match[1]) <= 65535;
}

/**
 * Absolute http(s) URL of the request (what RPC's `env.url` carries). Never throws:
 * a host that cannot be parsed becomes `localhost`, a target that cannot be parsed `/`.
 */
export function requestUrl(target: string | undefined, host: string | undefined, secure: boolean): URL {
  const base = `${secure ? 'https' : 'http'}://${validHost(host) ? host : 'localhost'}`;
  // why the leading-slash check: a target such as `//evil.example/` would be read as a host.
  const path = target && target.startsWith('/') && !target.startsWith('//') ? target : '/';
  try {
    return new URL(path, base);
  } catch {
    return new URL('/', `${secure ? 'https' : 'http'}://localhost`);
  }
}
