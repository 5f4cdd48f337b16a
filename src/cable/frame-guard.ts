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

/**
 * See file comment. One per connection that has sent something; feed it every chunk read from the socket.
 * why numbers only (no header byte array): a header is parsed byte by byte as it streams in, so the
 * guard is one small object of one shape per connection.
 */
export class FrameGuard {
  /** Header bytes of the current frame read so far (0 = at a frame boundary or in a payload). */
  private headerPos = 0;
  /** Full header size once its second byte is known (2..14). */
  private headerLength = 2;
  /** Header position after the extended payload length (2, 4 or 10). */
  private lengthEnd = 2;
  /** First header byte (FIN and opcode). */
  private b0 = 0;
  /** Payload length, accumulated from the header. */
  private length = 0;
  /** Payload bytes of the current frame still to skip. */
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
    const end = chunk.length;
    while (offset < end) {
      if (this.payloadLeft > 0) {
        const skip = Math.min(this.payloadLeft, end - offset);
        this.payloadLeft -= skip;
        offset += skip;
        continue;
      }
      const byte = chunk[offset++];
      const pos = this.headerPos++;
      if (pos === 0) {
        this.b0 = byte;
        continue;
      }
      if (pos === 1) {
        const len7 = byte & 0x7f;
        this.lengthEnd = 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0);
        this.headerLength = this.lengthEnd + ((byte & 0x80) !== 0 ? 4 : 0);
        this.length = len7 < 126 ? len7 : 0;
      } else if (pos < this.lengthEnd) {
        // 16- or 64-bit length, big-endian; anything beyond 2^53 is rejected by `ws` anyway.
        this.length = this.length * 256 + byte;
      }
      if (this.headerPos === this.headerLength && !this.frameHeaderDone()) return false;
    }
    return true;
  }

  /** Account for one complete frame header; false when the fragment cap is passed. */
  private frameHeaderDone(): boolean {
    const fin = (this.b0 & 0x80) !== 0;
    const opcode = this.b0 & 0x0f;
    this.headerPos = 0;
    this.payloadLeft = this.length;
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
