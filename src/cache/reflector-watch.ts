/** Applies the events of one open watch to a store, until the stream ends, fails or (watch-list) the initial state is done. */
import type { Logger } from 'pino';
import type { GroupVersionKind, KubeObject, WatchEvent } from '../client/meta.js';
import type { Clock } from '../client/rest/clock.js';
import { WatchIdleTimeoutError } from '../client/rest/errors.js';
import { type WatchStream, watchBatches } from '../client/rest/watch.js';
import type { ReflectorStore } from './reflector.js';
import { errorFromStatus, VeryShortWatchError } from './reflector-errors.js';

/** The annotation of the bookmark that ends a watch-list's initial events. */
export const initialEventsEndAnnotation = 'k8s.io/initial-events-end';

/** A watch the Reflector holds: its events are read through one iterator, so a watch-list can hand it on open. */
export interface OpenWatch<T extends KubeObject> {
  readonly stream: WatchStream<T>;
  /** One batch per network chunk, applied synchronously: no await per event. */
  readonly batches: AsyncIterator<readonly WatchEvent<T>[]>;
  /** Events of a batch not applied yet (a watch-list handed on mid-batch); applied before the next batch. */
  leftover: readonly WatchEvent<T>[];
  /** Clock ms when the watch was requested. */
  readonly startedAt: number;
}

/** Opens the iterator of a freshly started watch. */
export function openWatch<T extends KubeObject>(stream: WatchStream<T>, startedAt: number): OpenWatch<T> {
  return { stream, batches: watchBatches(stream), leftover: [], startedAt };
}

/** How handling a watch ended. */
export type WatchOutcome =
  /** The stream ended cleanly: watch again from the last resourceVersion. */
  | { readonly kind: 'closed' }
  /** Nothing arrived for the read-idle timeout: the connection may be dead; watch again to find out. */
  | { readonly kind: 'silent' }
  /** (Watch-list only) the initial-events-end bookmark arrived; the stream is still open. */
  | { readonly kind: 'initialEventsEnd' }
  /** An ERROR event, an undecodable stream, a very short watch or a failed resync. */
  | { readonly kind: 'failed'; readonly error: unknown };

/** Where events go: the real store, or a watch-list's temporary one, and who records each event's RV. */
export interface WatchSink<T> {
  readonly store: Pick<ReflectorStore<T>, 'add' | 'update' | 'delete'> & Partial<ReflectorStore<T>>;
  setResourceVersion(resourceVersion: string): void;
  /** Told the type of each applied event, after the store was. */
  onApplied?(type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'): void;
}

/** What handling a watch needs of its Reflector. */
export interface WatchHandlerContext {
  readonly name: string;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly expectedGVK: GroupVersionKind | undefined;
  /** Stop after the initial-events-end bookmark (watch-list mode), leaving the stream open. */
  readonly exitOnInitialEventsEnd: boolean;
  readonly signal: AbortSignal;
  /** An error that closed the stream from outside (a failed resync), if any. */
  interrupted(): unknown;
}

/**
 * Reads events until the stream ends or fails. Rejects only when the signal aborted. The caller closes the stream
 * unless the outcome is `initialEventsEnd`.
 */
export async function handleWatch<T extends KubeObject>(
  watch: OpenWatch<T>,
  sink: WatchSink<T>,
  context: WatchHandlerContext,
): Promise<WatchOutcome> {
  let eventCount = 0;
  for (;;) {
    let batch = watch.leftover;
    watch.leftover = [];
    if (batch.length === 0) {
      let next: IteratorResult<readonly WatchEvent<T>[]>;
      try {
        next = await watch.batches.next();
      } catch (error) {
        if (context.signal.aborted) throw error;
        // A silent connection is a timeout: no error, as client-go treats decoder timeouts; the caller re-watches.
        if (error instanceof WatchIdleTimeoutError) return { kind: 'silent' };
        return { kind: 'failed', error };
      }
      if (next.done) break;
      batch = next.value;
    }
    for (let i = 0; i < batch.length; i++) {
      const event = batch[i] as WatchEvent<T>;
      // As the stream itself: no event is applied after the stop, even one already decoded.
      if (context.signal.aborted) throw context.signal.reason;
      if (event.type === 'ERROR') return { kind: 'failed', error: errorFromStatus(event.object, context.name) };
      if (!applyEvent(event, sink, context)) continue;
      eventCount++;
      if (context.exitOnInitialEventsEnd && isInitialEventsEnd(event)) {
        watch.leftover = batch.slice(i + 1);
        return { kind: 'initialEventsEnd' };
      }
    }
  }
  // Stopping closes the stream, which ends it cleanly: that is the stop, not a very short watch.
  if (context.signal.aborted) throw context.signal.reason;
  const interrupted = context.interrupted();
  if (interrupted !== undefined) return { kind: 'failed', error: interrupted };
  if (eventCount === 0 && context.clock.now() - watch.startedAt < 1000) {
    return { kind: 'failed', error: new VeryShortWatchError(context.name) };
  }
  return { kind: 'closed' };
}

/** Whether a bookmark marks the end of a watch-list's initial events. */
export function isInitialEventsEnd(event: WatchEvent<KubeObject>): boolean {
  return event.type === 'BOOKMARK' && event.object.metadata?.annotations?.[initialEventsEndAnnotation] === 'true';
}

/** Applies one non-ERROR event; false when the event was skipped (wrong kind, no metadata) and its RV ignored. */
function applyEvent<T extends KubeObject>(
  event: { readonly type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK'; readonly object: T },
  sink: WatchSink<T>,
  context: WatchHandlerContext,
): boolean {
  const object = event.object;
  if (!isApplicable(event, context)) return false;
  try {
    if (event.type === 'ADDED') sink.store.add(object);
    else if (event.type === 'MODIFIED') sink.store.update(object);
    else if (event.type === 'DELETED') sink.store.delete(object);
  } catch (error) {
    // client-go reports store failures and keeps watching; the next relist repairs the store.
    context.logger.error({ reflector: context.name, err: error }, `unable to apply a ${event.type} event to the store`);
  }
  const resourceVersion = object.metadata?.resourceVersion ?? '';
  sink.setResourceVersion(resourceVersion);
  sink.store.updateResourceVersion?.(resourceVersion);
  sink.onApplied?.(event.type);
  return true;
}

/** Whether an event can be applied; logs (as client-go does, at error) what is wrong with one that cannot. */
function isApplicable(event: WatchEvent<KubeObject>, context: WatchHandlerContext): boolean {
  const object = event.object;
  if (typeof object.metadata !== 'object' || object.metadata === null) {
    const fields = { reflector: context.name, eventType: event.type, kind: object.kind };
    context.logger.error(fields, 'skipping a watch event whose object has no metadata');
    return false;
  }
  const expected = context.expectedGVK;
  if (expected === undefined) return true;
  const apiVersion = expected.group ? `${expected.group}/${expected.version}` : expected.version;
  if (object.kind === expected.kind && object.apiVersion === apiVersion) return true;
  const got = { kind: object.kind, apiVersion: object.apiVersion, expected: `${apiVersion}/${expected.kind}` };
  context.logger.error({ reflector: context.name, ...got }, 'skipping a watch event of the wrong kind');
  return false;
}
