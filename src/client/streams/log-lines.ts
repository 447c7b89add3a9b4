/** Splits a log byte stream into lines and tracks where a reconnect must resume without repeating lines. */

/** One line of a container's log. */
export interface LogLine {
  /** The container that wrote it. */
  readonly container: string;
  /** The line without its newline (and without the timestamp, which is in `timestamp`). */
  readonly text: string;
  /** The RFC 3339 time the runtime recorded, when timestamps were requested (or needed to resume). */
  readonly timestamp?: string;
}

/** Splits UTF-8 bytes into lines; unlike watch framing, empty lines are kept (they are part of a log). */
export class LineSplitter {
  #pending = '';
  readonly #decoder = new TextDecoder();

  /** The complete lines in `chunk` (plus what was pending). */
  push(chunk: Uint8Array): string[] {
    const text = this.#pending + this.#decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    this.#pending = lines.pop() ?? '';
    return lines;
  }

  /** The unterminated last line at end of stream, if any. */
  end(): string | undefined {
    const rest = this.#pending + this.#decoder.decode();
    this.#pending = '';
    return rest === '' ? undefined : rest;
  }
}

/** Splits `2024-05-01T10:00:00.123456789Z message` into its timestamp and text. */
export function splitTimestamp(line: string): { timestamp: string | undefined; text: string } {
  const space = line.indexOf(' ');
  const head = space === -1 ? line : line.slice(0, space);
  if (timestampKey(head) === undefined) return { timestamp: undefined, text: line };
  return { timestamp: head, text: space === -1 ? '' : line.slice(space + 1) };
}

/**
 * Nanoseconds since the epoch of an RFC 3339 timestamp, or undefined. Go trims trailing zeros of the fraction,
 * so timestamps cannot be compared as strings.
 */
export function timestampKey(timestamp: string): bigint | undefined {
  const match = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(timestamp);
  if (!match) return undefined;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return undefined;
  return BigInt(seconds / 1000) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

/**
 * Remembers the last delivered timestamp and how many lines carried it, so that after a reconnect with
 * `sinceTime` (whole seconds on the server) the lines already delivered are skipped and no later one is.
 *
 * Guarantees: a line is skipped only if its timestamp is before the last delivered one, or equal to it and no
 * more such lines arrive than were delivered; lines without a timestamp are never skipped.
 */
export class ResumePoint {
  #last: bigint | undefined;
  /** Lines delivered with timestamp `#last`. */
  #atLast = 0;
  /** Lines with timestamp `#last` seen since the reconnect. */
  #replayedAtLast = 0;

  /** The `sinceTime` to reconnect with (the last timestamp, truncated to the second), if any line had one. */
  get sinceTime(): string | undefined {
    if (this.#last === undefined) return undefined;
    return new Date(Number(this.#last / 1_000_000_000n) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  /** Whether anything was delivered with a timestamp. */
  get started(): boolean {
    return this.#last !== undefined;
  }

  /** Starts skipping replayed lines (call when reconnecting). */
  rewind(): void {
    this.#replayedAtLast = 0;
  }

  /** Whether a line with `timestamp` was already delivered; when not, records it as delivered. */
  seen(timestamp: string | undefined): boolean {
    const key = timestamp === undefined ? undefined : timestampKey(timestamp);
    if (key === undefined) return false;
    if (this.#last !== undefined && key < this.#last) return true;
    if (this.#last !== undefined && key === this.#last) {
      this.#replayedAtLast++;
      if (this.#replayedAtLast <= this.#atLast) return true;
      this.#atLast++;
      return false;
    }
    this.#last = key;
    this.#atLast = 1;
    this.#replayedAtLast = 1;
    return false;
  }
}
