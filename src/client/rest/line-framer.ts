/** Splits a byte stream into newline-delimited frames without re-copying data across chunk boundaries. */

const newline = 0x0a;

/**
 * Frames newline-delimited records out of arbitrarily split chunks: `push` a chunk, then call `next` until it
 * returns undefined; at end of stream `rest` returns an unterminated last record.
 *
 * Guarantees: each byte is copied at most once (only records spanning chunks are concatenated, once, when their
 * newline arrives), so cost is linear in the input; returned frames may be views into the pushed chunks, valid
 * until the caller pushes again; empty lines are skipped. Splitting on the byte 0x0A is safe for UTF-8. With a
 * `maxFrameBytes`, `next` calls `onOverflow` (which must throw) as soon as a record, complete or not, is longer:
 * at most the cap plus one chunk is ever buffered.
 */
export class LineFramer {
  /** Pieces of a record whose newline has not arrived yet; empty between records. */
  #pending: Uint8Array[] = [];
  /** The total length of `#pending`. */
  #pendingBytes = 0;
  #chunk: Uint8Array | undefined;
  /** Where scanning resumes in `#chunk`. */
  #position = 0;
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
    this.#chunk = chunk;
    this.#position = 0;
  }

  /** The next complete record of the pushed chunk, or undefined once it is exhausted. */
  next(): Uint8Array | undefined {
    for (;;) {
      const chunk = this.#chunk;
      if (!chunk) return undefined;
      const end = chunk.indexOf(newline, this.#position);
      if (end === -1) {
        if (this.#position < chunk.length) this.#hold(chunk.subarray(this.#position));
        this.#chunk = undefined;
        return undefined;
      }
      const piece = chunk.subarray(this.#position, end);
      this.#position = end + 1;
      if (this.#pendingBytes + piece.length > this.#maxFrameBytes) this.#overflow();
      const record = this.#pending.length === 0 ? piece : this.#join(piece);
      if (record.length > 0 && !(record.length === 1 && record[0] === 0x0d)) return record;
    }
  }

  /** The unterminated record left at end of stream, if any. */
  rest(): Uint8Array | undefined {
    if (this.#pending.length === 0) return undefined;
    const record = this.#join(new Uint8Array(0));
    return record.length > 0 ? record : undefined;
  }

  #hold(piece: Uint8Array): void {
    this.#pending.push(piece);
    this.#pendingBytes += piece.length;
    if (this.#pendingBytes > this.#maxFrameBytes) this.#overflow();
  }

  #overflow(): never {
    // Drop what was held first: the caller abandons the stream, and the buffer must not outlive the error.
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#chunk = undefined;
    return this.#onOverflow(this.#maxFrameBytes);
  }

  #join(last: Uint8Array): Uint8Array {
    this.#pending.push(last);
    const record = Buffer.concat(this.#pending);
    this.#pending = [];
    this.#pendingBytes = 0;
    return record;
  }
}
