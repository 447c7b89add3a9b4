/** Splits a byte stream into newline-delimited frames without re-copying data across chunk boundaries. */

const newline = 0x0a;

/**
 * Frames newline-delimited records out of arbitrarily split chunks: `push` a chunk, then call `next` until it
 * returns undefined; at end of stream `rest` returns an unterminated last record.
 *
 * Guarantees: each byte is copied at most once (only records spanning chunks are concatenated, once, when their
 * newline arrives), so cost is linear in the input; returned frames may be views into the pushed chunks, valid
 * until the caller pushes again; empty lines are skipped. Splitting on the byte 0x0A is safe for UTF-8.
 */
export class LineFramer {
  /** Pieces of a record whose newline has not arrived yet; empty between records. */
  #pending: Uint8Array[] = [];
  #chunk: Uint8Array | undefined;
  /** Where scanning resumes in `#chunk`. */
  #position = 0;

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
        if (this.#position < chunk.length) this.#pending.push(chunk.subarray(this.#position));
        this.#chunk = undefined;
        return undefined;
      }
      const piece = chunk.subarray(this.#position, end);
      this.#position = end + 1;
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

  #join(last: Uint8Array): Uint8Array {
    this.#pending.push(last);
    const record = Buffer.concat(this.#pending);
    this.#pending = [];
    return record;
  }
}
