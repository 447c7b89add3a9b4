/** Waits until every given cache (informer or handler registration) reports synced, polling as client-go does. */
import { setTimeout as delay } from 'node:timers/promises';
import type { ListFailedError } from './reflector-errors.js';

/** client-go's syncedPollPeriod: cheap checks, and a start-up delay nobody notices. */
const syncedPollPeriodMs = 100;

/**
 * Resolves `true` once every `hasSynced` returns true (checked at once, then every 100 ms), or `false` as soon as
 * `signal` aborts first. Never rejects.
 */
export async function waitForCacheSync(signal: AbortSignal, ...hasSynced: (() => boolean)[]): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false;
    if (hasSynced.every((synced) => synced())) return true;
    try {
      await delay(syncedPollPeriodMs, undefined, { signal });
    } catch {
      return false;
    }
  }
}

/** What {@link firstRefusedList} needs of an informer. */
export interface ListRefusalSource {
  readonly name: string;
  /** The last list's error when the server refused it (403 or 404), else undefined. */
  refusedListError?(): ListFailedError | undefined;
}

/**
 * The first informer whose last list the server refused for good (403 Forbidden, 404 NotFound), with that error;
 * undefined when none. A cache waiting on such an informer would wait for its timeout: callers fail at once.
 */
export function firstRefusedList(
  informers: Iterable<ListRefusalSource>,
): { readonly informer: string; readonly error: ListFailedError } | undefined {
  for (const informer of informers) {
    const error = informer.refusedListError?.();
    if (error !== undefined) return { informer: informer.name, error };
  }
  return undefined;
}
