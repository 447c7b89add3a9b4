/** Runs the resync timer of one list-and-watch round and lets a failed resync end the round's watch. */
import type { KubeObject } from '../client/meta.js';
import type { Clock } from '../client/rest/clock.js';
import type { OpenWatch } from './reflector-watch.js';

/** What a round needs to resync. */
export interface ResyncOptions {
  /** 0 disables the timer. */
  readonly periodMs: number;
  readonly shouldResync: (() => boolean) | undefined;
  readonly resync: () => void;
  readonly clock: Clock;
}

/**
 * One list-and-watch round: from a successful sync until the watch loop gives up. Every `periodMs` it calls
 * `resync()` when `shouldResync()` allows (or none was given); a throwing resync records the error and closes the
 * open watch, which then ends the round.
 *
 * Guarantees: the timer runs only between construction and `stop()`; `stop()` resolves once it no longer runs.
 */
export class SyncRound<T extends KubeObject> {
  /** The watch being read, closed by a failed resync or an abort. */
  current: OpenWatch<T> | undefined;
  readonly #abort = new AbortController();
  readonly #loop: Promise<void>;
  #error: unknown;

  constructor(options: ResyncOptions) {
    this.#loop = options.periodMs > 0 ? this.#resyncEvery(options) : Promise.resolve();
  }

  /** The error of a failed resync, if one failed. */
  get error(): unknown {
    return this.#error;
  }

  /** Stops the timer and closes the current watch. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.current?.stream.close();
    await this.#loop;
  }

  async #resyncEvery(options: ResyncOptions): Promise<void> {
    const signal = this.#abort.signal;
    for (;;) {
      try {
        await options.clock.sleep(options.periodMs, signal);
      } catch {
        return;
      }
      if (signal.aborted) return;
      if (options.shouldResync && !options.shouldResync()) continue;
      try {
        options.resync();
      } catch (error) {
        this.#error = error;
        this.current?.stream.close();
        return;
      }
    }
  }
}
