/**
 * Publishes over HTTP to `POST /_broadcast`, as anycable-rb's `http` adapter does
 * (lib/anycable/broadcast_adapters/http.rb): JSON body, `Authorization: Bearer <key>`.
 * Works against cablecar and anycable-go alike.
 */
import { BodyPublisher, deriveBroadcastKey, type PublishOutcome } from './publisher.js';

/** Options of `HttpPublisher`. */
export interface HttpPublisherOptions {
  /** The broadcast endpoint, e.g. `http://cablecar:8080/_broadcast` (anycable `http_broadcast_url`). */
  readonly url: string;
  /** `broadcast_key`; or give `secret` and the key is derived as the server derives it. Neither: no Authorization header (public mode). */
  readonly key?: string;
  /** The application `secret` shared with the server. */
  readonly secret?: string;
  /** Milliseconds before a request counts as failed. @default 5000 */
  readonly timeoutMs?: number;
}

/** See file comment. */
export class HttpPublisher extends BodyPublisher {
  private readonly headers: Record<string, string>;
  private closed = false;

  constructor(private readonly options: HttpPublisherOptions) {
    super();
    const key = options.key || (options.secret ? deriveBroadcastKey(options.secret) : '');
    this.headers = { 'Content-Type': 'application/json', ...(key ? { Authorization: `Bearer ${key}` } : {}) };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** POST the exact body the server receives; the answer is turned into an outcome. */
  protected async send(body: string): Promise<PublishOutcome> {
    if (this.closed) return { kind: 'failed', reason: 'publisher closed' };
    try {
      const res = await fetch(this.options.url, { method: 'POST', headers: this.headers, body, signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) });
      const text = await res.text();
      if (res.ok) return { kind: 'sent' };
      return { kind: 'failed', status: res.status, reason: text || res.statusText };
    } catch (error) {
      return { kind: 'failed', reason: (error as Error).message };
    }
  }
}
