/** Shares one in-flight asynchronous operation among every concurrent caller (Go's singleflight, for one key). */

/** The operation in flight and who still waits for it. */
interface Flight<T> {
  readonly promise: Promise<T>;
  /** Aborts the operation's signal; called once nobody waits any more. */
  readonly controller: AbortController;
  /** Callers still waiting; a caller without a signal never stops waiting. */
  waiters: number;
}

/**
 * Runs at most one operation at a time; callers arriving while it runs get the same result.
 *
 * Guarantees: `fn` is started only when nothing is in flight; a caller's AbortSignal abandons only that caller's
 * wait while another caller still waits (they still need the result); once every caller has abandoned it, the
 * signal passed to `fn` aborts (so a hung exec plugin is killed at once) and the slot is free for the next caller;
 * the slot is free again once the operation settles.
 *
 * @typeParam T - the operation's result.
 */
export class SingleFlight<T> {
  // Invariant: set exactly while an operation started by do() has not settled and someone still waits for it.
  #inFlight: Flight<T> | undefined;

  /** Joins the running operation, or starts `fn` when none runs; `fn`'s signal aborts when all callers left. */
  do(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    let flight = this.#inFlight;
    if (flight === undefined) {
      const controller = new AbortController();
      const started = fn(controller.signal).finally(() => {
        if (this.#inFlight?.promise === started) this.#inFlight = undefined;
      });
      // Rejections reach every caller through their own wait; this copy must not surface as unhandled.
      started.catch(() => {});
      flight = { promise: started, controller, waiters: 0 };
      this.#inFlight = flight;
    }
    flight.waiters += 1;
    return abandonOnAbort(flight.promise, signal, () => this.#leave(flight));
  }

  /** One caller abandoned `flight`: the last one to leave aborts it and frees the slot. */
  #leave(flight: Flight<T>): void {
    flight.waiters -= 1;
    if (flight.waiters > 0) return;
    if (this.#inFlight === flight) this.#inFlight = undefined;
    flight.controller.abort(new DOMException('every caller abandoned the operation', 'AbortError'));
  }
}

/** Resolves like `promise`, or rejects with the signal's reason as soon as it aborts (then calls `onAbandon`). */
export function abandonOnAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  onAbandon?: () => void,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    onAbandon?.();
    return Promise.reject(signal.reason);
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      reject(signal.reason);
      onAbandon?.();
    };
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
