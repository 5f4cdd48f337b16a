/** A raw `ws` client that records every frame, for protocol-level e2e tests. */
import WebSocket from 'ws';

/** A parsed server frame. */
export type Frame = Record<string, unknown>;

/** Wait until `check()` is truthy, polling; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false, timeoutMs = 3000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** See file comment. */
export class RawClient {
  readonly frames: Frame[] = [];
  readonly texts: string[] = [];
  closeCode?: number;
  closeReason?: string;
  private cursor = 0;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      const text = data.toString();
      this.texts.push(text);
      try {
        this.frames.push(isBinary ? { binary: text } : (JSON.parse(text) as Frame));
      } catch {
        this.frames.push({ unparsable: text });
      }
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
    ws.on('error', () => undefined);
  }

  /** Open a connection; resolves once open (or rejects on HTTP refusal). */
  static connect(url: string, options: { protocols?: string[]; headers?: Record<string, string> } = {}): Promise<RawClient> {
    const ws = new WebSocket(url, options.protocols ?? ['actioncable-v1-json'], { headers: options.headers });
    const client = new RawClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Connect and wait for the welcome frame. */
  static async welcomed(url: string, options?: { protocols?: string[]; headers?: Record<string, string> }): Promise<RawClient> {
    const client = await RawClient.connect(url, options);
    await client.next((f) => f.type === 'welcome');
    return client;
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  /** Next frame (after the previous `next`) matching `match`, skipping pings. */
  async next(match: (frame: Frame) => boolean = (f) => f.type !== 'ping', timeoutMs = 3000): Promise<Frame> {
    return waitFor(() => {
      while (this.cursor < this.frames.length) {
        const frame = this.frames[this.cursor++];
        if (match(frame)) return frame;
      }
      return undefined;
    }, timeoutMs, 'a matching frame');
  }

  /** Frames other than pings received so far. */
  nonPing(): Frame[] {
    return this.frames.filter((f) => f.type !== 'ping');
  }

  /** The sid of the welcome frame, once it has arrived. */
  get sid(): string | undefined {
    return this.frames.find((f) => f.type === 'welcome')?.sid as string | undefined;
  }

  /**
   * Wait for the next frame matching `isSentinel` (consumed, like `next`) and return the
   * frames other than pings that arrived before it. This is how a test shows that something
   * did NOT arrive: make a sentinel happen that must come after it, then look at what came first.
   */
  async framesBefore(isSentinel: (frame: Frame) => boolean, timeoutMs = 3000): Promise<Frame[]> {
    const before: Frame[] = [];
    await this.next((f) => {
      if (isSentinel(f)) return true;
      if (f.type !== 'ping') before.push(f);
      return false;
    }, timeoutMs);
    return before;
  }

  /**
   * Send `{"command":"ping"}` and return the frames (pings excluded) that arrive before its pong.
   * A session handles its commands one after another and answers in that order, so a reply to
   * any command sent earlier would come before this pong: `[]` proves there was none.
   */
  framesBeforePong(timeoutMs = 3000): Promise<Frame[]> {
    this.send({ command: 'ping' });
    return this.framesBefore((f) => f.type === 'pong', timeoutMs);
  }

  /** Subscribe and wait for confirm/reject. */
  async subscribe(identifier: string): Promise<Frame> {
    this.send({ command: 'subscribe', identifier });
    return this.next((f) => f.identifier === identifier && (f.type === 'confirm_subscription' || f.type === 'reject_subscription'));
  }

  /** Resolves with the close code once the server closes the socket. */
  closed(timeoutMs = 3000): Promise<number> {
    return waitFor(() => this.closeCode, timeoutMs, 'close');
  }

  close(): void {
    this.ws.close();
  }
}

/** Identifier for a public `$pubsub` stream. */
export const pubsubIdentifier = (stream: string): string => JSON.stringify({ channel: '$pubsub', stream_name: stream });
