/** Waits until every given cache (informer or handler registration) reports synced, polling as client-go does. */
import { setTimeout as delay } from 'node:timers/promises';

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
