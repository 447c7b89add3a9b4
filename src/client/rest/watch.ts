/** Decodes a watch response into WatchEvents, with a read-idle watchdog, as an AsyncIterable and an rxjs Observable. */
import type { Readable } from 'node:stream';
import { Observable } from 'rxjs';
import type { KubeObject, WatchEvent } from '../meta.js';
import { WatchDecodeError, WatchIdleTimeoutError } from './errors.js';
import { LineFramer } from './line-framer.js';
import { isConnectionReset } from './request-executor.js';
import { defaultMaxWatchFrameBytes, WatchFrameTooLargeError } from './watch-frame.js';

/**
 * A watch stream may be silent for as long as the server's timeoutSeconds when nothing changes and bookmarks are
 * off; the Reflector asks for at most 10 minutes. 15 minutes of silence therefore means a dead connection (a
 * half-open TCP socket after a NAT or node failure would otherwise hang the watch forever). With
 * allowWatchBookmarks the server speaks about once a minute; callers may then choose a much shorter idle timeout.
 */
export const defaultWatchIdleTimeoutMs = 15 * 60_000;

/** Options of Request.watch(). */
export interface WatchOptions {
  /** Abort the watch after this long without a byte from the server; default defaultWatchIdleTimeoutMs; 0 disables. */
  readonly idleTimeoutMs?: number;
  /** Fail with WatchFrameTooLargeError when one event is longer; default defaultMaxWatchFrameBytes (16 MiB). */
  readonly maxFrameBytes?: number;
}

/**
 * The events of one watch request.
 *
 * Guarantees: events arrive in server order, each decoded with one JSON.parse (objects are exactly the server's
 * JSON); iteration ends cleanly at EOF, on a reset connection (as client-go's StreamWatcher) and after close();
 * it throws WatchDecodeError on a line that is not an event, WatchFrameTooLargeError as soon as one event
 * outgrows `maxFrameBytes`, WatchIdleTimeoutError when the server was silent for the idle timeout, and the
 * signal's reason when the request's AbortSignal aborts; ERROR events are yielded, not thrown (they carry a
 * Status, e.g. 410 Expired). There is no total timeout: a healthy watch lasts until the server's timeoutSeconds.
 * One consumer: iterate once, or subscribe to observable() once.
 *
 * @typeParam T - the object type of the watched resource.
 */
export interface WatchStream<T extends KubeObject> extends AsyncIterable<WatchEvent<T>> {
  /** The same events as an Observable; unsubscribing closes the watch. */
  observable(): Observable<WatchEvent<T>>;
  /** Stops the watch and releases its connection; iteration ends cleanly. Idempotent. */
  close(): void;
}

const eventTypes: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK', 'ERROR']);

/**
 * The events of a watch, in batches: for a stream `openWatch` made, one batch per network chunk (its complete
 * lines, decoded and checked, in order, never empty), so a consumer can apply a chunk synchronously without an
 * await per event; for any other WatchStream, one event per batch. Ends, throws and counts as the stream's one
 * iteration exactly as iterating the stream does; an error after some lines of a chunk comes after their batch.
 */
export function watchBatches<T extends KubeObject>(stream: WatchStream<T>): AsyncIterator<readonly WatchEvent<T>[]> {
  if (stream instanceof ResponseWatchStream) return stream.batches();
  return singles(stream[Symbol.asyncIterator]());
}

async function* singles<T>(events: AsyncIterator<T>): AsyncGenerator<readonly T[], void, undefined> {
  for (let next = await events.next(); !next.done; next = await events.next()) yield [next.value];
}

/** Opens a WatchStream over a 2xx watch response body. */
export function openWatch<T extends KubeObject>(
  body: Readable & AsyncIterable<Uint8Array>,
  options: WatchOptions & { readonly path: string; readonly abort: AbortController; readonly signal?: AbortSignal },
): WatchStream<T> {
  return new ResponseWatchStream<T>(body, options);
}

class ResponseWatchStream<T extends KubeObject> implements WatchStream<T> {
  readonly #body: Readable & AsyncIterable<Uint8Array>;
  readonly #path: string;
  readonly #abort: AbortController;
  /** The caller's signal: when it aborts, the iteration rejects with its reason. */
  readonly #signal: AbortSignal | undefined;
  readonly #idleTimeoutMs: number;
  readonly #maxFrameBytes: number;
  #closed = false;
  #iterated = false;
  /** Set when the watchdog fired; the iteration throws it. */
  #idleError: WatchIdleTimeoutError | undefined;
  #timer: NodeJS.Timeout | undefined;
  /** performance.now() of the last byte read; the watchdog compares against it instead of re-arming per chunk. */
  #lastRead = 0;
  /** True while the consumer holds an event: the silence is ours, not the server's. */
  #consumerBusy = false;

  constructor(
    body: Readable & AsyncIterable<Uint8Array>,
    options: WatchOptions & { readonly path: string; readonly abort: AbortController; readonly signal?: AbortSignal },
  ) {
    this.#body = body;
    this.#path = options.path;
    this.#abort = options.abort;
    this.#signal = options.signal;
    this.#idleTimeoutMs = options.idleTimeoutMs ?? defaultWatchIdleTimeoutMs;
    this.#maxFrameBytes = options.maxFrameBytes ?? defaultMaxWatchFrameBytes;
    this.#abort.signal.addEventListener('abort', () => this.#close(), { once: true });
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent<T>> {
    return this.#events(this.batches());
  }

  /** See {@link watchBatches}. */
  batches(): AsyncIterator<readonly WatchEvent<T>[]> {
    if (this.#iterated) throw new TypeError('a WatchStream can be iterated once');
    this.#iterated = true;
    return this.#batches();
  }

  observable(): Observable<WatchEvent<T>> {
    return new Observable<WatchEvent<T>>((subscriber) => {
      void (async () => {
        try {
          for await (const event of this) {
            if (subscriber.closed) return;
            subscriber.next(event);
          }
          subscriber.complete();
        } catch (error) {
          subscriber.error(error);
        }
      })();
      return () => this.close();
    });
  }

  close(): void {
    if (!this.#closed) this.#abort.abort();
  }

  #close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#body.destroy();
  }

  async *#events(batches: AsyncIterator<readonly WatchEvent<T>[]>): AsyncGenerator<WatchEvent<T>, void, undefined> {
    try {
      for (let next = await batches.next(); !next.done; next = await batches.next()) {
        for (const event of next.value) {
          // Events already buffered are not delivered after close() or an abort.
          if (this.#signal?.aborted) throw this.#signal.reason;
          if (this.#closed) return;
          this.#consumerBusy = true;
          yield event;
          this.#consumerBusy = false;
          this.#lastRead = performance.now();
        }
      }
    } finally {
      this.close();
    }
  }

  async *#batches(): AsyncGenerator<readonly WatchEvent<T>[], void, undefined> {
    const framer = new LineFramer({
      maxFrameBytes: this.#maxFrameBytes,
      onOverflow: (max) => {
        throw new WatchFrameTooLargeError(this.#path, max);
      },
    });
    let index = 0;
    this.#arm();
    try {
      for await (const chunk of this.#body) {
        this.#lastRead = performance.now();
        framer.push(chunk);
        const batch: WatchEvent<T>[] = [];
        let failure: { error: unknown } | undefined;
        try {
          for (let line = framer.next(); line; line = framer.next()) {
            if (this.#signal?.aborted) throw this.#signal.reason;
            if (this.#closed) break;
            batch.push(this.#decode(line, index++));
          }
        } catch (error) {
          failure = { error };
        }
        if (batch.length > 0) {
          this.#consumerBusy = true;
          yield batch;
          this.#consumerBusy = false;
          this.#lastRead = performance.now();
        }
        if (failure) throw failure.error;
        if (this.#closed) return;
      }
      const last = framer.rest();
      if (last) yield [this.#decode(last, index)];
    } catch (error) {
      if (this.#idleError) throw this.#idleError;
      if (this.#signal?.aborted) throw this.#signal.reason;
      if (this.#closed || isConnectionReset(error)) return;
      throw error;
    } finally {
      this.close();
    }
  }

  #decode(line: string, index: number): WatchEvent<T> {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch {
      throw new WatchDecodeError(this.#path, index, 'is not valid JSON');
    }
    const { type, object } = (event ?? {}) as { type?: unknown; object?: unknown };
    if (typeof type !== 'string' || !eventTypes.has(type) || typeof object !== 'object' || object === null) {
      throw new WatchDecodeError(this.#path, index, 'is not a watch event ({type, object})');
    }
    return event as WatchEvent<T>;
  }

  /** Starts the watchdog: one timer, re-armed only when it fires early. */
  #arm(): void {
    if (this.#idleTimeoutMs <= 0 || this.#closed) return;
    this.#lastRead = performance.now();
    const check = (): void => {
      const idle = this.#consumerBusy ? 0 : performance.now() - this.#lastRead;
      if (idle >= this.#idleTimeoutMs) {
        this.#idleError = new WatchIdleTimeoutError(this.#path, this.#idleTimeoutMs);
        this.#body.destroy(this.#idleError);
        return;
      }
      this.#timer = setTimeout(check, this.#idleTimeoutMs - idle);
      this.#timer.unref();
    };
    this.#timer = setTimeout(check, this.#idleTimeoutMs);
    this.#timer.unref();
  }
}
