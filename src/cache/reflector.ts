/** Keeps a store in step with one resource by listing, then watching, with client-go 1.32's Reflector recovery rules. */
import type { Logger } from 'pino';
import type { GroupVersionKind, KubeObject } from '../client/meta.js';
import { type Clock, systemClock } from '../client/rest/clock.js';
import { isBadRequest, isInvalid, isTooManyRequests } from '../client/rest/status-error.js';
import { createLogger } from '../logger.js';
import { Backoff } from './backoff.js';
import type { ListerWatcher } from './listwatch.js';
import { defaultDeadWatchTimeoutMs, SilenceProbe, startWatch } from './reflector-dead-watch.js';
import { isExpiredError, isListRefused, isWatchErrorRetriable, ListFailedError } from './reflector-errors.js';
import { listForSync } from './reflector-list.js';
import { ResourceVersionTracker } from './reflector-resource-version.js';
import { SyncRound } from './reflector-resync.js';
import { handleWatch, type OpenWatch, openWatch, type WatchHandlerContext, type WatchSink } from './reflector-watch.js';
import { attemptWatchList } from './reflector-watch-list.js';

/**
 * The part of a store a Reflector writes to (client-go's Store as the Reflector uses it); DeltaFIFO satisfies it.
 *
 * @typeParam T - the stored object type.
 */
export interface ReflectorStore<T> {
  /** A watch's ADDED event. */
  add(obj: T): void;
  /** A watch's MODIFIED event. */
  update(obj: T): void;
  /** A watch's DELETED event. */
  delete(obj: T): void;
  /** Replaces the whole content with `list`, known to be complete at `resourceVersion`. */
  replace(list: T[], resourceVersion: string): void;
  /** A resync period elapsed: re-deliver what the store holds (DeltaFIFO queues Sync deltas). */
  resync(): void;
  /** Told the resourceVersion after each watch event, when the store wants it (client-go's ResourceVersionUpdater). */
  updateResourceVersion?(resourceVersion: string): void;
}

/** Called with list errors and watch-start errors that end a list-and-watch round (not with in-stream errors). */
export type WatchErrorHandler<T extends KubeObject> = (reflector: Reflector<T>, error: unknown) => void;

/** `auto` tries watch-list and remembers when the server does not support it; `on` always tries it first. */
export type WatchListMode = 'auto' | 'on' | 'off';

/** Options of {@link Reflector}. */
export interface ReflectorOptions<T extends KubeObject> {
  readonly listerWatcher: ListerWatcher<T>;
  readonly store: ReflectorStore<T>;
  /** Names the reflector in logs and errors, e.g. `configmaps`. */
  readonly name: string;
  /** When given, watch events of another apiVersion/kind are skipped (logged). */
  readonly expectedGVK?: GroupVersionKind;
  /** Calls `store.resync()` this often; 0 (the default) never. */
  readonly resyncPeriodMs?: number;
  /** Asked before each periodic resync; absent means always. */
  readonly shouldResync?: () => boolean;
  /** Defaults to the system clock. */
  readonly clock?: Clock;
  /** Defaults to a redacting logger at `warn`: a reflector only has problems worth telling. */
  readonly logger?: Logger;
  /** The list page size (client-go's WatchListPageSize); by default 500, or none when the watch cache can serve it. */
  readonly pageSize?: number;
  /** Defaults to `auto`. */
  readonly watchList?: WatchListMode;
  /** Defaults to logging (expired versions quietly, anything else as a warning). */
  readonly watchErrorHandler?: WatchErrorHandler<T>;
  /** Watches ask the server to end after [min, 2·min); only counts above the 5 min default. */
  readonly minWatchTimeoutMs?: number;
  /** Uniform in [0, 1) for the watch timeout and backoff jitter; defaults to Math.random. */
  readonly random?: () => number;
  /**
   * A watch silent (not a byte, not even a bookmark) for this long is presumed dead, and a watch request not
   * answered within it is abandoned; defaults to 60 s ({@link defaultDeadWatchTimeoutMs}); 0 turns detection off
   * (the RESTClient's 15-minute watchdog remains).
   *
   * How: HTTP/1.1 has no ping and TCP keepalive cannot see a black hole behind a proxy or load balancer (the
   * proxy answers the probes), so silence is the only signal, and a healthy watch may be silent (bookmarks come
   * about once a minute from the watch cache, never from a watch served by etcd directly). Silence therefore
   * triggers a cheap probe, not a relist: the silent watch is closed and a new one starts from the last
   * resourceVersion. The server sends that watch's backlog at once, so a change arriving right away is one the
   * silent watch never delivered: only then is a warning logged, naming the resource. A quiet healthy watch is
   * renewed (about one watch request per timeout while quiet) without a warning, a relist, or a lost event.
   */
  readonly deadWatchTimeoutMs?: number;
}

/** The longest delay a Node timer accepts (about 24.8 days). */
const maxTimerDelayMs = 2 ** 31 - 1;

/** Five minutes: long watches cost the server little, yet spread reconnections of many clients over time. */
export const defaultMinWatchTimeoutMs = 5 * 60_000;

/** The steps of the list-and-watch loop; each holds only what is valid in it. */
type ReflectorState<T extends KubeObject> =
  | { readonly kind: 'listAndWatch' }
  | { readonly kind: 'watchList' }
  | { readonly kind: 'list' }
  /** Synced: watching, with the round's resync timer beside; `watch` is open when a watch-list handed it on. */
  | { readonly kind: 'watch'; readonly round: SyncRound<T>; readonly watch: OpenWatch<T> | undefined }
  /** The round is over: call the handler when there is an error for it, back off, start again. */
  | { readonly kind: 'roundEnded'; readonly round: SyncRound<T> | undefined; readonly handlerError: unknown };

/**
 * Lists and watches one resource into a store (client-go's Reflector, release 1.32; SEMANTICS A).
 *
 * Guarantees: the store receives one `replace` per successful list (or watch-list), then watch events in server
 * order; `lastSyncResourceVersion()` is the RV of the last list or processed event; a clean watch end resumes from
 * it without relisting; expired versions and watch errors lead to a relist after a backoff shared by every retry;
 * `run` resolves only once the signal aborted, the open watch is closed and the resync timer stopped, and until
 * then keeps the Node process alive (run it once at a time; a later `run` resumes from `lastSyncResourceVersion()`
 * with a relist). Differences from client-go: no retry of watch InternalErrors (client-go's
 * MaxInternalErrorRetryDuration, off by default); in `auto` mode a watch-list rejected as Invalid or BadRequest is
 * not tried again by this reflector; listed items lacking apiVersion/kind get their list's (see withTypeMeta), so
 * listed and watched objects have one shape; a silent watch is detected by its silence, not by an HTTP/2 ping
 * (see `deadWatchTimeoutMs`).
 *
 * @typeParam T - the reflected object type.
 */
export class Reflector<T extends KubeObject> {
  readonly #options: ReflectorOptions<T>;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #random: () => number;
  readonly #backoff: Backoff;
  readonly #versions = new ResourceVersionTracker();
  readonly #minWatchTimeoutMs: number;
  readonly #deadWatchTimeoutMs: number;
  #watchListUnsupported = false;
  /** Set while the watch after a silent one has not yet shown whether the silence was a dead connection. */
  #silentSince: string | undefined;
  /** The last list's error when the server refused it for good (403, 404); undefined after a successful list. */
  #refusedList: ListFailedError | undefined;
  /** Clock time of the last list, watch-list sync or watch event (bookmarks included); undefined before any. */
  #lastProgressAt: number | undefined;

  constructor(options: ReflectorOptions<T>) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    this.#logger = options.logger ?? createLogger({ level: 'warn' });
    this.#random = options.random ?? Math.random;
    this.#backoff = new Backoff({ clock: this.#clock, random: this.#random });
    this.#minWatchTimeoutMs = Math.max(options.minWatchTimeoutMs ?? 0, defaultMinWatchTimeoutMs);
    this.#deadWatchTimeoutMs = options.deadWatchTimeoutMs ?? defaultDeadWatchTimeoutMs;
  }

  /** The name given in the options. */
  get name(): string {
    return this.#options.name;
  }

  /** The resourceVersion of the last list or processed watch event; `""` before the first sync. */
  lastSyncResourceVersion(): string {
    return this.#versions.lastSync;
  }

  /**
   * The clock time of the last sign the server is feeding this reflector: a completed list or watch-list, an
   * answered watch request, or a watch event of any type (bookmarks included); undefined before the first. Health
   * checks use it to spot a stalled watch.
   */
  lastProgressAt(): number | undefined {
    return this.#lastProgressAt;
  }

  /**
   * The error of the last list when the server refused it in a way retrying alone will not change: 403 Forbidden
   * (RBAC) or 404 NotFound (the resource is not served, e.g. its CRD is missing); undefined before any list and
   * after a successful one. The Reflector keeps retrying with backoff, as client-go does; its owner may give up.
   */
  refusedListError(): ListFailedError | undefined {
    return this.#refusedList;
  }

  /** Lists and watches until the signal aborts; resolves once everything stopped. */
  async run(signal: AbortSignal): Promise<void> {
    let state: ReflectorState<T> = { kind: 'listAndWatch' };
    const closeWatch = (): void => {
      if (state.kind === 'watch') state.round.current?.stream.close();
    };
    signal.addEventListener('abort', closeWatch, { once: true });
    // Backoff and resync sleep on unref'd timers; a running reflector must still hold the process, as client-go's
    // goroutines do, or a program whose only work is an informer exits at its first backoff. One handle per run.
    const keepAlive = setInterval(() => undefined, maxTimerDelayMs);
    try {
      while (!signal.aborted) {
        try {
          state = await this.#step(state, signal);
        } catch (error) {
          if (signal.aborted) break;
          // Steps report expected failures as states; anything thrown is a bug in a store or lister: keep going.
          state = { kind: 'roundEnded', round: state.kind === 'watch' ? state.round : undefined, handlerError: error };
        }
      }
    } finally {
      clearInterval(keepAlive);
      signal.removeEventListener('abort', closeWatch);
      if (state.kind === 'watch' || state.kind === 'roundEnded') await state.round?.stop();
    }
  }

  async #step(state: ReflectorState<T>, signal: AbortSignal): Promise<ReflectorState<T>> {
    switch (state.kind) {
      case 'listAndWatch':
        return { kind: this.#useWatchList() ? 'watchList' : 'list' };
      case 'watchList':
        return await this.#watchList(signal);
      case 'list':
        return await this.#list(signal);
      case 'watch':
        return await this.#watch(state.round, state.watch, signal);
      case 'roundEnded':
        this.#silentSince = undefined;
        await state.round?.stop();
        if (state.handlerError !== undefined) this.#handleError(state.handlerError);
        await this.#backoff.wait(signal);
        return { kind: 'listAndWatch' };
    }
  }

  #useWatchList(): boolean {
    const mode = this.#options.watchList ?? 'auto';
    return mode === 'on' || (mode === 'auto' && !this.#watchListUnsupported);
  }

  async #watchList(signal: AbortSignal): Promise<ReflectorState<T>> {
    const outcome = await attemptWatchList({
      ...this.#handlerContext(signal, undefined, true),
      listerWatcher: this.#options.listerWatcher,
      store: this.#options.store,
      resourceVersions: this.#versions,
      backoff: this.#backoff,
      timeoutSeconds: () => this.#timeoutSeconds(),
      deadWatchTimeoutMs: this.#deadWatchTimeoutMs,
    });
    if (outcome.kind === 'retry') return { kind: 'watchList' };
    if (outcome.kind === 'synced') {
      this.#lastProgressAt = this.#clock.now();
      const round = this.#startRound();
      round.current = outcome.watch;
      return { kind: 'watch', round, watch: outcome.watch };
    }
    const unsupported = isInvalid(outcome.error) || isBadRequest(outcome.error);
    if (unsupported && (this.#options.watchList ?? 'auto') === 'auto') this.#watchListUnsupported = true;
    this.#logger.warn(
      { reflector: this.name, err: outcome.error },
      'the watch-list request failed; falling back to list and watch',
    );
    return { kind: 'list' };
  }

  async #list(signal: AbortSignal): Promise<ReflectorState<T>> {
    let result: Awaited<ReturnType<typeof listForSync<T>>>;
    try {
      result = await listForSync({
        listerWatcher: this.#options.listerWatcher,
        resourceVersions: this.#versions,
        pageSize: this.#options.pageSize ?? 0,
        description: this.#options.expectedGVK?.kind ?? this.name,
        signal,
      });
    } catch (error) {
      if (signal.aborted) throw error;
      this.#refusedList = error instanceof ListFailedError && isListRefused(error) ? error : undefined;
      return { kind: 'roundEnded', round: undefined, handlerError: error };
    }
    this.#refusedList = undefined;
    this.#options.store.replace(result.items, result.resourceVersion);
    this.#versions.lastSync = result.resourceVersion;
    this.#lastProgressAt = this.#clock.now();
    return { kind: 'watch', round: this.#startRound(), watch: undefined };
  }

  async #watch(round: SyncRound<T>, open: OpenWatch<T> | undefined, signal: AbortSignal): Promise<ReflectorState<T>> {
    let watch = open;
    if (watch === undefined) {
      const startedAt = this.#clock.now();
      try {
        const request = {
          resourceVersion: this.#versions.lastSync,
          timeoutSeconds: this.#timeoutSeconds(),
          allowWatchBookmarks: true,
          signal,
        };
        const stream = await startWatch(this.#options.listerWatcher, request, this.name, this.#deadWatchTimeoutMs);
        watch = openWatch(stream, startedAt);
        // An answered watch request is progress too: a quiet watch renewed after silence is not stalled.
        this.#lastProgressAt = this.#clock.now();
      } catch (error) {
        if (signal.aborted || !isWatchErrorRetriable(error)) return { kind: 'roundEnded', round, handlerError: error };
        await this.#backoff.wait(signal);
        return { kind: 'watch', round, watch: undefined };
      }
      round.current = watch;
    }
    const outcome = await handleWatch(watch, this.#sinkFor(watch), this.#handlerContext(signal, round, false));
    watch.stream.close();
    round.current = undefined;
    if (outcome.kind === 'silent') {
      this.#silentSince = this.#versions.lastSync;
      const fields = { reflector: this.name, silentMs: this.#deadWatchTimeoutMs, resourceVersion: this.#silentSince };
      this.#logger.debug(fields, 'the watch was silent; watching again from the last resourceVersion to check it');
    }
    if (outcome.kind !== 'failed') return { kind: 'watch', round, watch: undefined };
    if (isTooManyRequests(outcome.error)) {
      await this.#backoff.wait(signal);
      return { kind: 'watch', round, watch: undefined };
    }
    const level = isExpiredError(outcome.error) ? 'debug' : 'warn';
    this.#logger[level]({ reflector: this.name, err: outcome.error }, 'the watch ended with an error; relisting');
    return { kind: 'roundEnded', round, handlerError: undefined };
  }

  /** The store and RV recorder of a watch; after a silent watch, also the probe telling whether it was dead. */
  #sinkFor(watch: OpenWatch<T>): WatchSink<T> {
    const sink = { store: this.#options.store, setResourceVersion: (rv: string) => this.#setLastSync(rv) };
    const silentSince = this.#silentSince;
    if (silentSince === undefined) return sink;
    this.#silentSince = undefined;
    const probe = new SilenceProbe(watch.startedAt);
    const onApplied = (type: string): void => {
      if (!probe.provesDead(type, this.#clock.now())) return;
      const fields = { reflector: this.name, silentMs: this.#deadWatchTimeoutMs, resourceVersion: silentSince };
      this.#logger.warn(fields, 'the watch connection was dead (silent while the server had changes); recovered');
    };
    return { ...sink, onApplied };
  }

  #setLastSync(resourceVersion: string): void {
    this.#versions.lastSync = resourceVersion;
    this.#lastProgressAt = this.#clock.now();
  }

  #handlerContext(signal: AbortSignal, round: SyncRound<T> | undefined, watchList: boolean): WatchHandlerContext {
    return {
      name: this.name,
      clock: this.#clock,
      logger: this.#logger,
      expectedGVK: this.#options.expectedGVK,
      exitOnInitialEventsEnd: watchList,
      signal,
      interrupted: () => round?.error,
    };
  }

  #startRound(): SyncRound<T> {
    const store = this.#options.store;
    return new SyncRound<T>({
      periodMs: this.#options.resyncPeriodMs ?? 0,
      shouldResync: this.#options.shouldResync,
      resync: () => store.resync(),
      clock: this.#clock,
    });
  }

  /** floor(min · (1 + random)) seconds: in [min, 2·min). */
  #timeoutSeconds(): number {
    return Math.floor((this.#minWatchTimeoutMs / 1000) * (1 + this.#random()));
  }

  #handleError(error: unknown): void {
    if (this.#options.watchErrorHandler) {
      try {
        this.#options.watchErrorHandler(this, error);
      } catch (thrown) {
        this.#logger.error({ reflector: this.name, err: thrown }, 'the watch error handler threw');
      }
      return;
    }
    const level = isExpiredError(error) ? 'debug' : 'warn';
    this.#logger[level]({ reflector: this.name, err: error }, 'list and watch failed');
  }
}
