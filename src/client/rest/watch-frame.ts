/** Declares the cap on one watch frame and the error raised when a server sends a longer one. */
import { KubeloopError } from '../../errors.js';

/**
 * 16 MiB, client-go's cap on one watch frame: far above any object etcd accepts (1.5 MiB by default), yet a
 * runaway or hostile stream without newlines cannot grow the heap without limit.
 */
export const defaultMaxWatchFrameBytes = 16 * 1024 * 1024;

/**
 * A watch frame (one line: one event) grew past the cap before its newline arrived. The watch is closed; the
 * Reflector relists. The message gives the sizes, never the content (events may hold Secrets).
 *
 * Guarantees: raised as soon as the buffered part of the frame exceeds `maxFrameBytes`, not at its end, so at most
 * about `maxFrameBytes` plus one chunk was held.
 */
export class WatchFrameTooLargeError extends KubeloopError<'WATCH_FRAME_TOO_LARGE'> {
  readonly code = 'WATCH_FRAME_TOO_LARGE' as const;
  constructor(
    readonly path: string,
    readonly maxFrameBytes: number,
  ) {
    super(`watch ${path}: an event exceeded the ${maxFrameBytes}-byte frame limit; closing the watch`);
  }
}
