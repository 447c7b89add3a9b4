/** Serves watches for the fake API server: resourceVersion resume, initial events, bookmarks and 410 after compaction. */
import type { ServerContext } from './context.js';
import type { FakeResponse, StreamSink } from './dispatcher.js';
import { apiVersionOf, metaOf } from './objects.js';
import { parseRv, present } from './reads.js';
import type { ResourceType } from './registry.js';
import { type ObjectFilter, objectFilter } from './selectors.js';
import { type ApiFailure, failure } from './status.js';
import type { Change, Obj } from './store.js';

/** How often a watch that asked for bookmarks gets one when nothing else happens. */
export interface WatchSettings {
  readonly bookmarkIntervalMs: number;
}

interface WatchRequest {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly filter: ObjectFilter | undefined;
  readonly bookmarks: boolean;
}

/** Starts a watch stream (answering 200 and then events), or throws a Status for a request it refuses. */
export function watchObjects(
  context: ServerContext,
  settings: WatchSettings,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
): FakeResponse {
  const request: WatchRequest = {
    type,
    namespace,
    filter: objectFilter(type, query),
    bookmarks: flag(query.get('allowWatchBookmarks')),
  };
  const rvText = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents');
  const match = query.get('resourceVersionMatch') ?? '';
  if (sendInitial !== null) {
    if (match !== 'NotOlderThan') {
      throw invalidWatch(
        'resourceVersionMatch',
        'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan',
      );
    }
  } else if (match !== '') {
    throw invalidWatch(
      'resourceVersionMatch',
      'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided',
    );
  }
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');
  return {
    kind: 'stream',
    status: 200,
    open: (sink) => {
      const initial = sendInitial === null ? rvText === '' || rvText === '0' : flag(sendInitial);
      const writer = eventWriter(sink);
      startWatch(context, settings, request, sink, writer, {
        rvText,
        initial,
        watchList: sendInitial !== null && flag(sendInitial),
      });
      if (timeoutSeconds > 0) {
        const timer = setTimeout(() => writer.end(), timeoutSeconds * 1000);
        sink.onClose(() => clearTimeout(timer));
      }
    },
  };
}

function startWatch(
  context: ServerContext,
  settings: WatchSettings,
  request: WatchRequest,
  sink: StreamSink,
  writer: EventWriter,
  start: { rvText: string; initial: boolean; watchList: boolean },
): void {
  const { store } = context;
  const storage = request.type.storageKey;
  const send = writer.send;
  const fromRv = start.rvText === '' || start.rvText === '0' ? store.rv : parseRv(start.rvText);
  let replay: Change[] = [];
  if (start.initial) {
    for (const [, object] of store.snapshot(storage, store.rv) ?? []) {
      if (visible(request, object)) send('ADDED', present(request.type, object));
    }
    if (start.watchList) send('BOOKMARK', bookmark(request.type, store.rv, true));
  } else {
    const changes = store.changesSince(storage, fromRv);
    if (changes === undefined || fromRv > store.rv) {
      const status =
        changes === undefined
          ? failure(410, 'Expired', `too old resource version: ${fromRv} (${store.compactedRv(storage)})`).status
          : failure(504, 'Timeout', `Too large resource version: ${fromRv}, current: ${store.rv}`).status;
      send('ERROR', status as unknown as Obj);
      writer.end();
      return;
    }
    replay = changes;
  }
  let lastRv = start.initial ? store.rv : fromRv;
  const deliver = (change: Change): void => {
    lastRv = change.rv;
    const event = eventFor(request, change);
    if (event) send(event.type, present(request.type, event.object));
  };
  for (const change of replay) deliver(change);
  const unsubscribe = store.subscribe(storage, deliver);
  const timer = request.bookmarks
    ? setInterval(
        () => send('BOOKMARK', bookmark(request.type, Math.max(lastRv, store.rv), false)),
        settings.bookmarkIntervalMs,
      )
    : undefined;
  timer?.unref();
  sink.onClose(() => {
    unsubscribe();
    clearInterval(timer);
  });
}

/** Sends watch events. */
interface EventWriter {
  readonly send: (type: string, object: Obj) => void;
  /** Sends what is pending, then ends the stream cleanly. */
  readonly end: () => void;
}

/**
 * Writes events after the current turn, batched: the answer to a write reaches its client before the write's watch
 * events, as over a network (clients that wait to observe their own writes rely on that order).
 */
function eventWriter(sink: StreamSink): EventWriter {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    sink.write(text);
  };
  return {
    send: (type, object) => {
      pending += `${JSON.stringify({ type, object })}\n`;
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    end: () => {
      flush();
      sink.end();
    },
  };
}

/** The event a change becomes for this watch: selectors turn entering and leaving into ADDED and DELETED. */
function eventFor(request: WatchRequest, change: Change): { type: string; object: Obj } | undefined {
  const now = visible(request, change.object);
  const before = change.prev !== undefined && visible(request, change.prev);
  if (change.type === 'ADDED') return now ? { type: 'ADDED', object: change.object } : undefined;
  if (change.type === 'DELETED') return before ? { type: 'DELETED', object: change.object } : undefined;
  if (now && before) return { type: 'MODIFIED', object: change.object };
  if (now) return { type: 'ADDED', object: change.object };
  // Leaving the selection: the last state that matched, at the change's resourceVersion (as etcd3's watcher).
  if (before) return { type: 'DELETED', object: withRv(change.prev as Obj, change.rv) };
  return undefined;
}

function withRv(object: Obj, rv: number): Obj {
  return { ...object, metadata: { ...metaOf(object), resourceVersion: String(rv) } };
}

function visible(request: WatchRequest, object: Obj): boolean {
  if (request.namespace !== undefined && metaOf(object).namespace !== request.namespace) return false;
  return request.filter === undefined || request.filter(object);
}

function bookmark(type: ResourceType, rv: number, initialEventsEnd: boolean): Obj {
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
  return { kind: type.kind, apiVersion: apiVersionOf(type), metadata };
}

function flag(value: string | null): boolean {
  return value === 'true' || value === '1';
}

function invalidWatch(field: string, detail: string): ApiFailure {
  return failure(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${field}: Forbidden: ${detail}`, {
    group: 'meta.k8s.io',
    kind: 'ListOptions',
    causes: [{ reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field }],
  });
}
