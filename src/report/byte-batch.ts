/**
 * Text and bytes gathered into one buffer on their way to a file, taken out in one piece. A
 * million-row report built as strings put its batches in V8's large-object space and cost more
 * in garbage collection than everything else validate does on the main thread (issue 6); bytes
 * live outside the JavaScript heap, and encoded input columns arrive as bytes from the worker
 * threads (validate/checked-chunk.ts), so they are copied here without ever becoming strings.
 */
const SHORT = 64;
const EMPTY = Buffer.alloc(0);

export class ByteBatch {
  /** Empty until something is gathered: a batch that is never used (or used once) costs nothing more. */
  private buf: Buffer = EMPTY;
  private used = 0;

  constructor(private readonly size = 256 * 1024) {}

  get length(): number {
    return this.used;
  }

  text(s: string): void {
    this.room(3 * s.length);
    // Short ASCII text (a report line's row, status and key) is copied code by code: Buffer#write
    // costs more per call than the copy, once per row of million-row reports. Anything else, or a
    // character past ASCII, goes through the UTF-8 encoder from the start.
    if (s.length <= SHORT) {
      const { buf, used } = this;
      let i = 0;
      for (; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c > 0x7f) break;
        buf[used + i] = c;
      }
      if (i === s.length) {
        this.used += i;
        return;
      }
    }
    this.used += this.buf.write(s, this.used, 'utf8');
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.used);
    this.used += b.length;
  }

  /** What is gathered, as one buffer of its own; the batch starts again empty. */
  take(): Buffer {
    // An empty take is a buffer of its own too: the caller may transfer it (never EMPTY's).
    const full = this.used === 0 ? Buffer.allocUnsafeSlow(0) : this.buf.subarray(0, this.used);
    this.buf = EMPTY;
    this.used = 0;
    return full;
  }

  private room(n: number): void {
    if (this.used + n <= this.buf.length) return;
    // Never from Node's shared pool: a taken buffer may be transferred to another thread.
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.size, 2 * this.buf.length, this.used + n));
    this.buf.copy(bigger, 0, 0, this.used);
    this.buf = bigger;
  }
}
