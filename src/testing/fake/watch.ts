/** Serves watches for the fake API server: resourceVersion resume, initial events, bookmarks and 410 after compaction. */
import type { ServerContext } from './context.js';
import type { FakeResponse, StreamSink } from './dispatcher.js';
import { apiVersionOf, metaOf } from './objects.js';
import { type ObjectView, partialObject } from './partial-metadata.js';
import { parseRv, present } from './reads.js';
import type { ResourceType } from './registry.js';
import { type ObjectFilter, objectFilter } from './selectors.js';
import { type ApiFailure, failure } from './status.js';
import type { Change, Obj } from './store.js';

/** How the server's watches behave: the bookmark period, and whether watch-list requests are served. */
export interface WatchSettings {
  /** How often a watch that asked for bookmarks gets one when nothing else happens. */
  readonly bookmarkIntervalMs: number;
  /** False refuses `sendInitialEvents` as an apiserver with the WatchList feature gate off does. */
  readonly watchList: boolean;
}

interface WatchRequest {
  readonly type: ResourceType;
  readonly namespace: string | undefined;
  readonly filter: ObjectFilter | undefined;
  readonly bookmarks: boolean;
  /** How event objects (bookmarks too) are served; ERROR Statuses stay as they are. */
  readonly view: ObjectView;
}

/** Starts a watch stream (answering 200 and then events), or throws a Status for a request it refuses. */
export function watchObjects(
  context: ServerContext,
  settings: WatchSettings,
  type: ResourceType,
  namespace: string | undefined,
  query: URLSearchParams,
  view: ObjectView,
): FakeResponse {
  const request: WatchRequest = {
    type,
    namespace,
    filter: objectFilter(type, query),
    bookmarks: flag(query.get('allowWatchBookmarks')),
    view,
  };
  const rvText = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents');
  const forbidden = forbiddenWatchOptions(query, settings);
  if (forbidden.length > 0) throw invalidWatch(forbidden);
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
  const send = (eventType: string, object: Obj): void =>
    writer.send(eventType, eventType === 'ERROR' || request.view === 'object' ? object : partialObject(object));
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

interface ForbiddenOption {
  readonly field: string;
  readonly detail: string;
}

/** The watch options the apiserver's ValidateListOptions forbids, in its order. */
function forbiddenWatchOptions(query: URLSearchParams, settings: WatchSettings): ForbiddenOption[] {
  const match = query.get('resourceVersionMatch') ?? '';
  if (query.get('sendInitialEvents') === null) {
    if (match === '') return [];
    const detail = 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided';
    return [{ field: 'resourceVersionMatch', detail }];
  }
  const forbidden: ForbiddenOption[] = [];
  if (match !== 'NotOlderThan') {
    const detail = 'sendInitialEvents requires setting resourceVersionMatch to NotOlderThan';
    forbidden.push({ field: 'resourceVersionMatch', detail });
  }
  if (!settings.watchList) {
    const detail = 'sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled';
    forbidden.push({ field: 'sendInitialEvents', detail });
  }
  return forbidden;
}

/** 422 Invalid naming each forbidden option; several are listed in brackets, as apimachinery's aggregate. */
function invalidWatch(forbidden: readonly ForbiddenOption[]): ApiFailure {
  const each = forbidden.map(({ field, detail }) => `${field}: Forbidden: ${detail}`);
  const text = each.length === 1 ? each[0] : `[${each.join(', ')}]`;
  return failure(422, 'Invalid', `ListOptions.meta.k8s.io "" is invalid: ${text}`, {
    group: 'meta.k8s.io',
    kind: 'ListOptions',
    causes: forbidden.map(({ field, detail }) => ({
      reason: 'FieldValueForbidden',
      message: `Forbidden: ${detail}`,
      field,
    })),
  });
}
