/** Splits a byte stream into newline-delimited text records, decoding each chunk once. */

const newline = 0x0a;

/**
 * Frames newline-delimited UTF-8 records out of arbitrarily split chunks: `push` a chunk, then call `next` until it
 * returns undefined; at end of stream `rest` returns an unterminated last record.
 *
 * Guarantees: each chunk is decoded once, as a whole (a character split between chunks is decoded whole), and its
 * records are slices of that text, which V8 shares rather than copies (JSON.parse reads a slice in place); only a
 * record spanning chunks is concatenated, once, when its newline arrives. Empty lines and lone `\r` lines are
 * skipped. With a `maxFrameBytes`, `next` calls `onOverflow` (which must throw) as soon as a record, complete or
 * not, is longer in UTF-8 bytes: at most the cap plus one chunk is ever buffered.
 */
export class LineFramer {
  readonly #decoder = new TextDecoder();
  /** The decoded text of the pushed chunk; `''` once it is exhausted. */
  #text = '';
  /** Where scanning resumes in `#text`. */
  #position = 0;
  /** The bytes of the pushed chunk after its last newline: the next `#pendingBytes` once `#text` is exhausted. */
  #tailBytes = 0;
  /** The decoded start of a record whose newline has not arrived yet; `''` between records. */
  #pending = '';
  /** The UTF-8 length of `#pending` (plus any bytes of a split character the decoder still holds). */
  #pendingBytes = 0;
  readonly #maxFrameBytes: number;
  readonly #onOverflow: (maxFrameBytes: number) => never;

  constructor(options: { readonly maxFrameBytes?: number; readonly onOverflow?: (max: number) => never } = {}) {
    this.#maxFrameBytes = options.maxFrameBytes ?? Number.POSITIVE_INFINITY;
    this.#onOverflow =
      options.onOverflow ??
      ((max) => {
        throw new RangeError(`a frame exceeded ${max} bytes`);
      });
  }

  push(chunk: Uint8Array): void {
    const text = this.#decoder.decode(chunk, { stream: true });
    const last = chunk.lastIndexOf(newline);
    if (last === -1) {
      this.#hold(text, chunk.length);
      return;
    }
    this.#text = text;
    this.#position = 0;
    this.#tailBytes = chunk.length - last - 1;
  }

  /** The next complete record of the pushed chunk, or undefined once it is exhausted. */
  next(): string | undefined {
    for (;;) {
      const text = this.#text;
      if (text === '') return undefined;
      const end = text.indexOf('\n', this.#position);
      if (end === -1) {
        const tail = text.slice(this.#position);
        const tailBytes = this.#tailBytes;
        this.#text = '';
        this.#hold(tail, tailBytes);
        return undefined;
      }
      const piece = text.slice(this.#position, end);
      this.#position = end + 1;
      if (this.#tooLong(piece)) this.#overflow();
      const record = this.#pending === '' ? piece : this.#pending + piece;
      this.#pending = '';
      this.#pendingBytes = 0;
      if (record !== '' && record !== '\r') return record;
    }
  }

  /** The unterminated record left at end of stream, if any. */
  rest(): string | undefined {
    const record = this.#pending + this.#decoder.decode();
    this.#pending = '';
    this.#pendingBytes = 0;
    return record !== '' ? record : undefined;
  }

  /**
   * Whether `#pending` + `piece` exceeds the cap in UTF-8 bytes. A UTF-16 unit stands for 1 to 3 bytes, so the
   * exact count is needed only between those bounds (never for ASCII records under a third of the cap).
   */
  #tooLong(piece: string): boolean {
    const room = this.#maxFrameBytes - this.#pendingBytes;
    if (piece.length > room) return true;
    if (piece.length * 3 <= room) return false;
    return Buffer.byteLength(piece, 'utf8') > room;
  }

  #hold(piece: string, bytes: number): void {
    this.#pending += piece;
    this.#pendingBytes += bytes;
    if (this.#pendingBytes > this.#maxFrameBytes) this.#overflow();
  }

  #overflow(): never {
    // Drop what was held first: the caller abandons the stream, and the buffer must not outlive the error.
    this.#pending = '';
    this.#pendingBytes = 0;
    this.#text = '';
    return this.#onOverflow(this.#maxFrameBytes);
  }
}
