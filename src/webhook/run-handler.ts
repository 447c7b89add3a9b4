/** Runs an admission handler under a deadline, turning a throw or a timeout into an outcome instead of a rejection. */
import { WebhookTimeoutError } from './errors.js';

/** How a handler call ended. */
export type Outcome<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly error: unknown; readonly timedOut: boolean };

/**
 * Calls `work` with a signal that aborts when `outer` does or after `timeoutMs`, and resolves with its outcome.
 *
 * Guarantees: never rejects; resolves at the deadline even when `work` ignores its signal and never settles (its
 * late result is dropped); a synchronous throw is an outcome like a rejection; the timer is cleared on settling.
 */
export async function runHandler<R>(
  work: (signal: AbortSignal) => R | Promise<R>,
  timeoutMs: number,
  outer: AbortSignal,
): Promise<Outcome<R>> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(outer.reason);
  if (outer.aborted) forward();
  else outer.addEventListener('abort', forward, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new WebhookTimeoutError(`the handler did not answer within ${timeoutMs} ms`);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    const value = await Promise.race([Promise.resolve().then(() => work(controller.signal)), deadline]);
    return { ok: true, value };
  } catch (error) {
    return { ok: false, error, timedOut: error instanceof WebhookTimeoutError };
  } finally {
    clearTimeout(timer);
    outer.removeEventListener('abort', forward);
  }
}
