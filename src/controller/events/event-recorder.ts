/** Records events.k8s.io/v1 Events asynchronously, folding repeats into series as client-go's events broadcaster does. */
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { Event } from '../../client/kubernetes/events-v1/types.js';
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { isAlreadyExists, isNotFound } from '../../client/rest/status-error.js';
import type { CreateOptions, PatchOptions } from '../../client/typed/options.js';
import type { PatchFormat } from '../../client/typed/resource-client.js';
import { createLogger } from '../../logger.js';
import { EventNamer, type EventSubject, microTime, referenceKey, referenceTo, truncateNote } from './event-object.js';

/** client-go's finishTime: a repeat later than this after the last occurrence starts a new Event. */
export const seriesWindowMs = 6 * 60_000;

/** client-go's maxQueuedEvents: enough for bursts, small enough that a dead apiserver cannot grow memory. */
const defaultBufferSize = 1000;

/** Expired series are pruned at most this often: a full scan per minute keeps `event()` O(1) amortised. */
const pruneIntervalMs = 60_000;

/**
 * What the recorder needs of the events.k8s.io/v1 client; `ClientSet.eventsV1()` fits.
 *
 * Guarantees: the recorder calls it one write at a time, never concurrently; a rejection is logged, never rethrown.
 */
export interface EventsClient {
  /** The events.k8s.io/v1 Events of one namespace. */
  events(namespace: string): {
    /** Creates an Event. */
    create(event: Event, options?: CreateOptions): Promise<Event>;
    /** Patches an Event (a series' count and last time). */
    patch(name: string, format: PatchFormat, patch: unknown, options?: PatchOptions): Promise<Event>;
  };
}

/** Options of {@link newEventRecorder}. */
export interface EventRecorderOptions {
  /** Where Events are written: `ClientSet.forConfig(config).eventsV1()`. */
  readonly client: EventsClient;
  /** The controller's name, e.g. `example.com/pod-watcher` (the API requires a qualified name). */
  readonly reportingController: string;
  /** This replica's id; defaults to `<reportingController>-<hostname>` as client-go, cut to the API's 128. */
  readonly reportingInstance?: string;
  /** Defaults to the system clock; tests pass a fake one. */
  readonly clock?: Clock;
  /** Defaults to a `warn`-level kubeloop logger: the recorder only logs failures and drops. */
  readonly logger?: Logger;
  /** Writes waiting at most; more are dropped with a warning. Defaults to 1000, client-go's bound. */
  readonly bufferSize?: number;
}

/** One occurrence to record. */
export interface EventOptions {
  /** The object the Event is about; an object read from the server (apiVersion and kind set) or a reference. */
  readonly regarding: EventSubject;
  /** A second object involved, e.g. the Pod a ReplicaSet created. */
  readonly related?: EventSubject;
  readonly type: 'Normal' | 'Warning';
  /** Why the action was taken, machine-readable CamelCase, e.g. `FailedScheduling` (at most 128 characters). */
  readonly reason: string;
  /** What was done or failed, machine-readable CamelCase, e.g. `Binding` (at most 128 characters). */
  readonly action: string;
  /** For humans; cut to 1 KiB (UTF-8) as the API requires. */
  readonly note: string;
}

/**
 * Records Events about objects (client-go's events.EventRecorder with its broadcaster and sink).
 *
 * An occurrence is folded into the series of an earlier one when regarding, related, type, reason, action and note
 * are equal and the earlier one was seen at most {@link seriesWindowMs} ago: the first occurrence creates an Event,
 * every repeat raises `series.count` (2 on the first repeat) and `series.lastObservedTime` with a patch. Unlike
 * client-go, which writes only the first repeat and then once per 30-minute heartbeat or when the series ends,
 * kubeloop patches on repeats, coalesced to at most one waiting write per series: the server's count trails by at
 * most one write, a live series refreshes its Event's TTL as it goes, and no heartbeat timer is needed.
 * The note is part of the key (client-go leaves it out), so a changed message is never hidden in an old Event; the
 * regarding object's resourceVersion is not (client-go's is), so a repeat about an updated object still folds.
 * One options object replaces client-go's positional `Eventf(regarding, related, type, reason, action, noteFmt,
 * args...)`: reason and action are both strings and easy to swap by position, and template literals do the format.
 *
 * Guarantees: `event()` never blocks, never throws and never rejects: writes happen later, one at a time, in the
 * order of their first wait; when `bufferSize` writes wait, a new occurrence is dropped with a logged warning;
 * failed writes are logged and dropped (the RESTClient already retried 429s and 5xx with Retry-After), except that
 * a patch of an Event someone deleted recreates it. `flush()` resolves once every write accepted before it is
 * done; after `shutdown()`, occurrences are dropped.
 */
export interface EventRecorder {
  /** Records one occurrence; returns at once. */
  event(options: EventOptions): void;
  /** Resolves when no write is waiting or in flight; rejects with the signal's reason if it aborts first. */
  flush(options?: { readonly signal?: AbortSignal }): Promise<void>;
  /** Stops accepting occurrences, then flushes. */
  shutdown(options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/** An Event and its series, as this recorder knows them. */
interface Series {
  /** The Event as first built; its name and namespace address every later write. */
  readonly event: Event;
  /** Occurrences seen, ≥ 1. */
  count: number;
  lastObservedMs: number;
  /** The count the server holds: 0 before the Event is created. */
  writtenCount: number;
  /** Whether a write of this series waits in the buffer (at most one does). */
  queued: boolean;
}

/** Returns a recorder writing through `options.client`; see {@link EventRecorder} for what it promises. */
export function newEventRecorder(options: EventRecorderOptions): EventRecorder {
  return new Recorder(options);
}

class Recorder implements EventRecorder {
  readonly #client: EventsClient;
  readonly #controller: string;
  readonly #instance: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #capacity: number;
  readonly #namer = new EventNamer();
  /** Series by key; entries last observed more than the window ago are stale and pruned once a minute. */
  readonly #series = new Map<string, Series>();
  /** Writes waiting, oldest first; `#head` indexes the oldest, so taking one never shifts the array. */
  #buffer: Series[] = [];
  #head = 0;
  /** The running drain loop; undefined when idle. */
  #draining: Promise<void> | undefined;
  #lastPruneMs: number;
  #stopped = false;

  constructor(options: EventRecorderOptions) {
    this.#client = options.client;
    this.#controller = options.reportingController;
    this.#instance = options.reportingInstance ?? `${options.reportingController}-${hostname()}`.slice(0, 128);
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? createLogger({ level: 'warn' });
    this.#capacity = options.bufferSize ?? defaultBufferSize;
    this.#lastPruneMs = this.#clock.now();
  }

  event(options: EventOptions): void {
    try {
      this.#record(options);
    } catch (error) {
      this.#logger.error({ err: error, reason: options.reason }, 'could not record event');
    }
  }

  async flush(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const { signal } = options;
    while (this.#draining !== undefined) {
      signal?.throwIfAborted();
      await untilDoneOrAborted(this.#draining, signal);
    }
  }

  async shutdown(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.#stopped = true;
    await this.flush(options);
  }

  #record(options: EventOptions): void {
    if (this.#stopped) {
      this.#logger.warn({ reason: options.reason }, 'event recorder is shut down: dropping event');
      return;
    }
    if (options.type !== 'Normal' && options.type !== 'Warning') {
      this.#logger.error({ type: options.type }, 'unsupported event type: dropping event');
      return;
    }
    const regarding = referenceTo(options.regarding);
    if (regarding === undefined) {
      this.#logger.error({ reason: options.reason }, 'event regarding an object without kind or name: dropping it');
      return;
    }
    const related = options.related === undefined ? undefined : referenceTo(options.related);
    const note = truncateNote(options.note);
    const { type, reason, action } = options;
    const key = JSON.stringify([referenceKey(regarding), referenceKey(related), type, reason, action, note]);
    const now = this.#clock.now();
    this.#prune(now);
    const known = this.#series.get(key);
    if (known !== undefined && now - known.lastObservedMs <= seriesWindowMs) {
      if (!known.queued && !this.#enqueue(known, options)) return;
      known.count++;
      known.lastObservedMs = now;
      return;
    }
    const event: Event = {
      metadata: { name: this.#namer.next(regarding.name ?? '', now), namespace: regarding.namespace || 'default' },
      eventTime: microTime(now),
      reportingController: this.#controller,
      reportingInstance: this.#instance,
      action,
      reason,
      regarding,
      ...(related === undefined ? {} : { related }),
      note,
      type,
    };
    const series: Series = { event, count: 1, lastObservedMs: now, writtenCount: 0, queued: false };
    if (this.#enqueue(series, options)) this.#series.set(key, series);
  }

  /** Queues a write of `series` and starts the drain; false (after a warning) when the buffer is full. */
  #enqueue(series: Series, options: EventOptions): boolean {
    if (this.#buffer.length - this.#head >= this.#capacity) {
      this.#logger.warn(
        { reason: options.reason, regarding: series.event.regarding?.name, bufferSize: this.#capacity },
        'event buffer is full: dropping event',
      );
      return false;
    }
    series.queued = true;
    this.#buffer.push(series);
    this.#startDrain();
    return true;
  }

  /** Starts the drain loop unless it runs; on a later microtask, so the caller's stack never runs client code. */
  #startDrain(): void {
    if (this.#draining !== undefined) return;
    this.#draining = Promise.resolve()
      .then(() => this.#drain())
      .then(() => {
        this.#draining = undefined;
        // A write queued after the loop's last take, before this callback, would otherwise wait for the next event.
        if (this.#head < this.#buffer.length) this.#startDrain();
      });
  }

  async #drain(): Promise<void> {
    for (let next = this.#take(); next !== undefined; next = this.#take()) {
      next.queued = false;
      await this.#write(next);
    }
  }

  #take(): Series | undefined {
    const next = this.#buffer[this.#head];
    if (next === undefined) return undefined;
    this.#head++;
    // Compact once half the array is consumed: amortised O(1) per write.
    if (this.#head * 2 >= this.#buffer.length) {
      this.#buffer = this.#buffer.slice(this.#head);
      this.#head = 0;
    }
    return next;
  }

  /** Creates the Event, or patches its series; logs and drops failures. Never rejects. */
  async #write(series: Series): Promise<void> {
    const count = series.count;
    const lastObservedTime = microTime(series.lastObservedMs);
    const { name = '', namespace = 'default' } = series.event.metadata ?? {};
    const events = this.#client.events(namespace);
    const withSeries: Event = count > 1 ? { ...series.event, series: { count, lastObservedTime } } : series.event;
    try {
      if (series.writtenCount === 0) {
        await events.create(withSeries);
      } else {
        try {
          await events.patch(name, 'strategic', { series: { count, lastObservedTime } });
        } catch (error) {
          // Someone deleted the Event (or it expired): recreate it with the series so far, as client-go does.
          if (!isNotFound(error)) throw error;
          await events.create(withSeries);
        }
      }
      series.writtenCount = count;
    } catch (error) {
      const level = isAlreadyExists(error) ? 'debug' : 'warn';
      this.#logger[level]({ err: error, event: `${namespace}/${name}`, count }, 'could not write event: dropped');
    }
  }

  /** Forgets series last observed longer ago than the window, at most once per {@link pruneIntervalMs}. */
  #prune(now: number): void {
    if (now - this.#lastPruneMs < pruneIntervalMs) return;
    this.#lastPruneMs = now;
    for (const [key, series] of this.#series) {
      if (now - series.lastObservedMs > seriesWindowMs) this.#series.delete(key);
    }
  }
}

/** Resolves with `done` (which never rejects), or rejects with the signal's reason if it aborts first. */
function untilDoneOrAborted(done: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return done;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void done.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
