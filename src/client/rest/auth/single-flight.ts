/** Shares one in-flight asynchronous operation among every concurrent caller (Go's singleflight, for one key). */

/**
 * Runs at most one operation at a time; callers arriving while it runs get the same result.
 *
 * Guarantees: `fn` is started only when nothing is in flight; a caller's AbortSignal abandons only that caller's
 * wait, never the shared operation (other callers still need it); the slot is free again once it settles.
 *
 * @typeParam T - the operation's result.
 */
export class SingleFlight<T> {
  // Invariant: set exactly while an operation started by do() has not settled.
  #inFlight: Promise<T> | undefined;

  /** Joins the running operation, or starts `fn` when none runs. */
  do(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#inFlight === undefined) {
      const started = fn().finally(() => {
        if (this.#inFlight === started) this.#inFlight = undefined;
      });
      this.#inFlight = started;
    }
    return abandonOnAbort(this.#inFlight, signal);
  }
}

/** Resolves like `promise`, or rejects with the signal's reason as soon as it aborts. */
export function abandonOnAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
