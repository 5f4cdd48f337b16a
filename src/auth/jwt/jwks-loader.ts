/**
 * Fetches the raw JWKS document: the I/O edge of `JwksKeySource`, so the
 * source's caching logic is tested against a stub and, separately, over HTTP.
 */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Loads a JWKS document as text. */
export interface JwksLoader {
  /** Where from (for logs). */
  readonly location: string;
  load(): Promise<string>;
}

/** Upper bound for one JWKS fetch. */
const FETCH_TIMEOUT_MS = 5000;
/** Largest JWKS accepted (a key set is a few KiB). */
const MAX_JWKS_BYTES = 1024 * 1024;

/** `https://` / `http://` JWKS endpoint, fetched with a timeout and a size cap. */
export class HttpJwksLoader implements JwksLoader {
  constructor(readonly location: string) {}

  async load(): Promise<string> {
    const res = await fetch(this.location, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const text = await res.text();
    if (text.length > MAX_JWKS_BYTES) throw new Error('JWKS larger than 1 MiB');
    return text;
  }
}

/** A JWKS file (`file://` URL or a path). */
export class FileJwksLoader implements JwksLoader {
  readonly path: string;

  constructor(readonly location: string) {
    this.path = location.startsWith('file://') ? fileURLToPath(location) : location;
  }

  load(): Promise<string> {
    return readFile(this.path, 'utf8');
  }
}

/** Pick the loader for a `jwt_jwks_url` value. */
export function jwksLoaderFor(location: string): JwksLoader {
  return /^https?:\/\//i.test(location) ? new HttpJwksLoader(location) : new FileJwksLoader(location);
}
