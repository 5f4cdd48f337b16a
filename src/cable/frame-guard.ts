/**
 * Watches the raw bytes of a client connection for fragmented messages. `ws`
 * bounds a message's total payload (`max_message_size`) but keeps one Buffer
 * per fragment, so a message sent as thousands of one-byte fragments pins about
 * 16 times its wire size and may stay unfinished forever. This guard reads only
 * frame headers (RFC 6455 §5.2) from the same 'data' events `ws` reads, counts
 * the fragments of the message in progress and reports when it passes the cap.
 * Whole (unfragmented) messages, which is what browsers send, cost a header
 * parse per frame and nothing else.
 */

/** Fragments one message may have before the connection is closed. */
export function maxFragmentsFor(maxMessageSize: number): number {
  // why: ~100 bytes of bookkeeping per fragment in `ws`, so this keeps an unfinished
  // message's memory near max_message_size; 1 KiB fragments of a full message still pass.
  return Math.max(16, Math.floor(maxMessageSize / 1024));
}

const enum Phase {
  Header,
  Payload,
}

/** See file comment. One per connection; feed it every chunk read from the socket. */
export class FrameGuard {
  private phase = Phase.Header;
  /** Header bytes collected so far (a header is 2..14 bytes and may span chunks). */
  private readonly header: number[] = [];
  private payloadLeft = 0;
  /** Fragments of the message in progress (0 = none in progress). */
  private fragments = 0;

  constructor(private readonly maxFragments: number) {}

  /** True while a fragmented message has started and not finished. */
  get inFragmentedMessage(): boolean {
    return this.fragments > 0;
  }

  /** Parse `chunk`; false once a message has more than `maxFragments` fragments. */
  push(chunk: Buffer): boolean {
    let offset = 0;
    while (offset < chunk.length) {
      if (this.phase === Phase.Payload) {
        const skip = Math.min(this.payloadLeft, chunk.length - offset);
        this.payloadLeft -= skip;
        offset += skip;
        if (this.payloadLeft === 0) this.phase = Phase.Header;
        continue;
      }
      this.header.push(chunk[offset++]);
      const needed = this.headerLength();
      if (needed === undefined || this.header.length < needed) continue;
      if (!this.frameHeaderDone()) return false;
    }
    return true;
  }

  /** Header size once the first two bytes are known. */
  private headerLength(): number | undefined {
    if (this.header.length < 2) return undefined;
    const len7 = this.header[1] & 0x7f;
    const masked = (this.header[1] & 0x80) !== 0;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (masked ? 4 : 0);
  }

  /** Account for one complete frame header; false when the fragment cap is passed. */
  private frameHeaderDone(): boolean {
    const [b0, b1] = this.header;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const len7 = b1 & 0x7f;
    let length = len7;
    if (len7 === 126) length = (this.header[2] << 8) | this.header[3];
    else if (len7 === 127) {
      // 64-bit length; anything beyond 2^53 is rejected by `ws` anyway.
      length = 0;
      for (let i = 2; i < 10; i++) length = length * 256 + this.header[i];
    }
    this.header.length = 0;
    this.payloadLeft = length;
    this.phase = length > 0 ? Phase.Payload : Phase.Header;
    if (opcode >= 0x8) return true; // control frames may interleave with fragments
    if (opcode !== 0x0) {
      // A new data frame; unfinished fragments before it are a protocol error `ws` reports itself.
      this.fragments = fin ? 0 : 1;
      return true;
    }
    if (this.fragments === 0) return true; // stray continuation: `ws` closes with 1002
    if (fin) {
      this.fragments = 0;
      return true;
    }
    return ++this.fragments <= this.maxFragments;
  }
}
