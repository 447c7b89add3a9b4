/** Makes one watch-list attempt: stream the initial state into a temporary store until the end bookmark, then swap. */
import type { KubeObject } from '../client/meta.js';
import type { Backoff } from './backoff.js';
import { metaNamespaceKeyFunc } from './keys.js';
import type { ListerWatcher } from './listwatch.js';
import type { ReflectorStore } from './reflector.js';
import { startWatch } from './reflector-dead-watch.js';
import { isExpiredError, isTooLargeResourceVersionError, isWatchErrorRetriable } from './reflector-errors.js';
import type { ResourceVersionTracker } from './reflector-resource-version.js';
import { handleWatch, type OpenWatch, openWatch, type WatchHandlerContext } from './reflector-watch.js';

/** How a watch-list attempt ended. */
export type WatchListOutcome<T extends KubeObject> =
  /** The store holds the initial state; the same watch goes on delivering changes. */
  | { readonly kind: 'synced'; readonly watch: OpenWatch<T> }
  /** Try another watch-list request (the backoff was already waited when the error asked for it). */
  | { readonly kind: 'retry' }
  /** Fall back to list+watch. */
  | { readonly kind: 'fallback'; readonly error: unknown };

/** What a watch-list attempt needs of its Reflector. */
export interface WatchListContext<T extends KubeObject> extends WatchHandlerContext {
  readonly listerWatcher: ListerWatcher<T>;
  readonly store: ReflectorStore<T>;
  readonly resourceVersions: ResourceVersionTracker;
  readonly backoff: Backoff;
  readonly timeoutSeconds: () => number;
  /** See ReflectorOptions.deadWatchTimeoutMs. */
  readonly deadWatchTimeoutMs: number;
}

/**
 * Sends one watch-list request (sendInitialEvents, NotOlderThan, bookmarks) and collects its events in a fresh
 * temporary store. At the initial-events-end bookmark the real store is replaced at once with the temporary one's
 * objects at the bookmark's resourceVersion (one swap: the temporary map is dropped right after). A stream that
 * ends earlier means a new attempt; errors follow client-go 1.32: retriable ones back off and retry, expired or
 * too-large versions mark the resourceVersion unavailable and retry, anything else falls back to list+watch.
 */
export async function attemptWatchList<T extends KubeObject>(
  context: WatchListContext<T>,
): Promise<WatchListOutcome<T>> {
  const temporary = new Map<string, T>();
  let bookmarkVersion = '';
  const sink = {
    store: {
      add: (obj: T) => temporary.set(metaNamespaceKeyFunc(obj), obj),
      update: (obj: T) => temporary.set(metaNamespaceKeyFunc(obj), obj),
      delete: (obj: T) => temporary.delete(metaNamespaceKeyFunc(obj)),
    },
    setResourceVersion: (resourceVersion: string) => {
      bookmarkVersion = resourceVersion;
    },
  };
  const startedAt = context.clock.now();
  let watch: OpenWatch<T>;
  try {
    const request = {
      resourceVersion: context.resourceVersions.rewatch(),
      resourceVersionMatch: 'NotOlderThan',
      sendInitialEvents: true,
      allowWatchBookmarks: true,
      timeoutSeconds: context.timeoutSeconds(),
      signal: context.signal,
    } as const;
    const stream = await startWatch(context.listerWatcher, request, context.name, context.deadWatchTimeoutMs);
    watch = openWatch(stream, startedAt);
  } catch (error) {
    return await retryOrFallBack(context, error);
  }
  const outcome = await handleWatch(watch, sink, context);
  if (outcome.kind === 'closed' || outcome.kind === 'silent') {
    watch.stream.close();
    return { kind: 'retry' };
  }
  if (outcome.kind === 'failed') {
    watch.stream.close();
    return await retryOrFallBack(context, outcome.error);
  }
  context.resourceVersions.unavailable = false;
  context.store.replace([...temporary.values()], bookmarkVersion);
  temporary.clear();
  context.resourceVersions.lastSync = bookmarkVersion;
  return { kind: 'synced', watch };
}

async function retryOrFallBack<T extends KubeObject>(
  context: WatchListContext<T>,
  error: unknown,
): Promise<WatchListOutcome<T>> {
  if (context.signal.aborted) throw error;
  if (isWatchErrorRetriable(error)) {
    await context.backoff.wait(context.signal);
    return { kind: 'retry' };
  }
  if (isExpiredError(error) || isTooLargeResourceVersionError(error)) {
    context.resourceVersions.unavailable = true;
    return { kind: 'retry' };
  }
  return { kind: 'fallback', error };
}
