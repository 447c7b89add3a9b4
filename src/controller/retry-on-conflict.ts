/** Retries an operation that failed with a retriable error (a Conflict, by default) under a bounded backoff. */
import { type Clock, systemClock } from '../client/rest/clock.js';
import { isConflict } from '../client/rest/status-error.js';
import { KubeloopError } from '../errors.js';

/**
 * How many attempts, and how long to wait between them (apimachinery's wait.Backoff without a cap).
 * The n-th wait (n from 0) is `durationMs · factor^n`, plus a random `[0, jitter)` fraction of itself.
 */
export interface RetryBackoff {
  /** Attempts in all, at least 1; `steps − 1` waits. */
  readonly steps: number;
  /** The first wait, in ms. */
  readonly durationMs: number;
  /** What each wait is multiplied by for the next; 0 (or 1) keeps it constant, as apimachinery does. */
  readonly factor: number;
  /** Adds up to this fraction of each wait at random; 0 for exact waits. */
  readonly jitter: number;
}

/** client-go's retry.DefaultRetry: 5 quick attempts 10 ms apart, for conflicts that clear almost at once. */
export const defaultRetry: RetryBackoff = { steps: 5, durationMs: 10, factor: 1, jitter: 0.1 };

/** client-go's retry.DefaultBackoff: 4 attempts, waits of 10, 50 and 250 ms, for calls to other components. */
export const defaultBackoff: RetryBackoff = { steps: 4, durationMs: 10, factor: 5, jitter: 0.1 };

/** Options of {@link onError} and {@link retryOnConflict}. */
export interface RetryOptions {
  /** Defaults to {@link defaultRetry}. */
  readonly backoff?: RetryBackoff;
  /** Defaults to the system clock; tests pass a fake one. */
  readonly clock?: Clock;
  /** Stops retrying: an abort rejects with the signal's reason before the next attempt. */
  readonly signal?: AbortSignal;
  /** A number in [0, 1) per wait, for the jitter; defaults to `Math.random` (tests pin it). */
  readonly random?: () => number;
}

/**
 * Thrown (as a rejection, before any attempt) when a backoff cannot work: fewer than one step, or a negative or
 * non-finite duration, factor or jitter.
 *
 * Guarantees: `fn` was never called; `message` names the field.
 */
export class BackoffOptionsError extends KubeloopError<'BACKOFF_OPTIONS'> {
  readonly code = 'BACKOFF_OPTIONS' as const;
}

/**
 * Calls `fn` until it resolves, it throws an error `isRetriable` rejects, or the backoff's steps run out
 * (client-go's retry.OnError).
 *
 * Guarantees: at most `backoff.steps` calls, one at a time, never two concurrently; rejects with the last error
 * when the steps run out, with a non-retriable error at once, with the signal's reason on abort (no call starts
 * after an abort).
 *
 * @typeParam T - what `fn` resolves to.
 */
export async function onError<T>(
  isRetriable: (error: unknown) => boolean,
  fn: () => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const backoff = options.backoff ?? defaultRetry;
  validate(backoff);
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const { signal } = options;
  let durationMs = backoff.durationMs;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await fn();
    } catch (error) {
      if (attempt >= backoff.steps || !isRetriable(error)) throw error;
    }
    const wait = backoff.jitter > 0 ? durationMs + random() * backoff.jitter * durationMs : durationMs;
    if (backoff.factor !== 0) durationMs *= backoff.factor;
    await clock.sleep(wait, signal);
  }
}

/**
 * Calls `fn` again while it fails with a Conflict (409: a stale resourceVersion), with {@link defaultRetry} unless
 * told otherwise: client-go's retry.RetryOnConflict. `fn` must re-read the object each time, or every retry
 * conflicts again.
 *
 * Guarantees: as {@link onError} with `isConflict`.
 *
 * @example
 * ```ts
 * await retryOnConflict(async () => {
 *   const cm = await configMaps.get('census');
 *   return await configMaps.update({ ...cm, data: { ...cm.data, seen: 'yes' } });
 * });
 * ```
 */
export async function retryOnConflict<T>(fn: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  return await onError(isConflict, fn, options);
}

function validate(backoff: RetryBackoff): void {
  if (!(Number.isInteger(backoff.steps) && backoff.steps >= 1)) {
    throw new BackoffOptionsError(`backoff.steps must be an integer >= 1, got ${backoff.steps}`);
  }
  for (const field of ['durationMs', 'factor', 'jitter'] as const) {
    const value = backoff[field];
    if (!(Number.isFinite(value) && value >= 0)) {
      throw new BackoffOptionsError(`backoff.${field} must be a finite number >= 0, got ${value}`);
    }
  }
}
