/**
 * Origin check on upgrade (anycable ws/handler.go `CheckOrigin`): entries are
 * hosts with optional port, lower-cased; `*.example.com` matches any subdomain.
 * An empty list disables the check; a missing Origin fails a non-empty list.
 */
export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (allowed.length === 0) return true;
  if (!origin) return false;
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*') ? host.endsWith(e.slice(1)) && host.length > e.length - 1 : host === e;
  });
}
