/** Runs a reconciler over a rate-limited workqueue of object keys, with bounded concurrency and a graceful stop. */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { SharedIndexInformer } from '../cache/shared-index-informer.js';
import type { KubeObject } from '../client/meta.js';
import { type Clock, systemClock } from '../client/rest/clock.js';
import { createLogger } from '../logger.js';
import {
  ControllerOptionsError,
  ControllerShutdownError,
  ControllerStateError,
  ReconcileTimeoutError,
} from './controller-errors.js';
import { type ControllerMetrics, newControllerMetrics, workqueueMetricsProviderFor } from './controller-metrics.js';
import type { PendingWrite, ReadYourWritesGate } from './read-your-writes/read-your-writes.js';
import {
  type ReconcileContext,
  type ReconcileResult,
  type Reconciler,
  type Request,
  requestFromKey,
  requestKey,
  TerminalError,
} from './reconciler.js';
import { defaultControllerRateLimiter } from './workqueue/default-controller-rate-limiter.js';
import type { WorkqueueRateLimiter } from './workqueue/rate-limiter.js';
import { newRateLimitingQueue, type RateLimitingQueue } from './workqueue/rate-limiting-queue.js';

/** Options of {@link Controller}. */
export interface ControllerOptions {
  /** Names the controller in logs, metrics (label `controller`) and its workqueue (label `name`). */
  readonly name: string;
  readonly reconciler: Reconciler;
  /**
   * Workers, i.e. keys reconciled at once; an integer ≥ 1. Default 1, controller-runtime's: safe for reconcilers
   * that were not written with concurrency in mind.
   */
  readonly maxConcurrentReconciles?: number | undefined;
  /** Decides retry delays after a throw; default `defaultControllerRateLimiter({ clock })`, client-go's. */
  readonly rateLimiter?: WorkqueueRateLimiter<string> | undefined;
  /** Aborts a reconcile's signal once it has run this long; absent = never. */
  readonly reconcileTimeoutMs?: number | undefined;
  /** The parent of every reconcile's logger; default a kubeloop logger at `info`, so reconcile errors show. */
  readonly logger?: Logger | undefined;
  /** Time for delays, timeouts and durations; default the real clock. */
  readonly clock?: Clock | undefined;
  /** Where the controller and workqueue metrics go; absent = none recorded (there is no global registry). */
  readonly metricsRegistry?: Registry | undefined;
  /** The informers whose handlers enqueue into this controller (the builder fills it in). */
  readonly sources?: readonly SharedIndexInformer<KubeObject>[] | undefined;
  /**
   * Makes a key's next reconcile wait until the caches observed the writes of its previous one (the builder passes
   * the manager's, see `ManagerOptions.readYourWrites`); `false` or absent = never wait.
   */
  readonly readYourWrites?: ReadYourWritesGate | false | undefined;
}

/** Options of {@link Controller.start}. */
export interface ControllerStartOptions {
  /** How long in-flight reconciles may go on after the stop before their signals abort; default 30 000. */
  readonly shutdownTimeoutMs?: number | undefined;
  /**
   * Ends the grace period early: once it aborts (before or during the stop), in-flight reconciles' signals abort at
   * once. The manager passes its leadership term, so work started as leader does not go on after a lost lease.
   */
  readonly abortInFlight?: AbortSignal | undefined;
}

/** A snapshot for health checks. */
export interface ControllerStats {
  /** Reconciles running now. */
  readonly inFlight: number;
  /** The age of the oldest running reconcile in ms; 0 when none runs. */
  readonly oldestInFlightMs: number;
  /** Keys waiting to be reconciled (not counting those waiting out a delay). */
  readonly queueDepth: number;
}

/** One running reconcile. */
interface InFlight {
  readonly startedAt: number;
  readonly abort: AbortController;
}

/** The default grace period of `start`: controller-runtime's default GracefulShutdownTimeout. */
const defaultShutdownTimeoutMs = 30_000;

/**
 * A controller (controller-runtime's Controller): keys enqueued with {@link Controller.enqueue} are reconciled by
 * `maxConcurrentReconciles` workers while {@link Controller.start} runs.
 *
 * Guarantees:
 * - At most `maxConcurrentReconciles` reconciles run at once, never two for the same key; a key enqueued while
 *   being reconciled is reconciled once more afterwards; keys enqueued many times while waiting run once.
 * - Outcomes: resolved with nothing → the key's backoff is forgotten; `{ requeueAfterMs > 0 }` → forgotten, then
 *   reconciled again after that delay; `{ requeueAfterMs ≤ 0 }` → requeued rate-limited (controller-runtime's
 *   `Requeue: true`); a throw → logged and requeued after the rate limiter's delay (growing per failure); a
 *   {@link TerminalError} → logged, counted, forgotten, not requeued.
 * - A reconciler that throws or hangs never stops the controller. A hung reconcile holds its worker (and key)
 *   until its promise settles: JavaScript cannot cancel it. With `reconcileTimeoutMs` its signal aborts at that
 *   age, so a reconciler that honours its signal frees the worker; `stats().oldestInFlightMs` exposes the rest.
 * - With `readYourWrites`, a key's reconcile starts only once the caches observed every write its previous
 *   reconcile made through the manager's clients (or that write's timeout passed), so it never reads the state it
 *   just replaced; the wait holds the key's worker, not others.
 * - `start` stops taking keys when its signal aborts, waits up to `shutdownTimeoutMs` for the running
 *   reconciles, only then aborts their signals, and resolves. Keys still queued are kept: enqueues before and
 *   between runs are not lost, so a controller may be started again (e.g. on regaining leadership).
 */
export class Controller {
  readonly name: string;
  readonly sources: readonly SharedIndexInformer<KubeObject>[];
  readonly #reconciler: Reconciler;
  readonly #workers: number;
  readonly #timeoutMs: number | undefined;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #queue: RateLimitingQueue<string>;
  readonly #metrics: ControllerMetrics;
  /** Reconciles whose promise has not settled, those abandoned after a shutdown's grace period included. */
  readonly #inFlight = new Set<InFlight>();
  /** True from `start` until it resolves; a controller runs once at a time. */
  #running = false;
  readonly #gate: ReadYourWritesGate | undefined;
  /** Per key, the writes of its last reconcile the caches had not observed yet; an entry goes once all settled. */
  readonly #pending = new Map<string, readonly PendingWrite[]>();

  constructor(options: ControllerOptions) {
    const workers = options.maxConcurrentReconciles ?? 1;
    validate(options.name, workers, options.reconcileTimeoutMs);
    this.name = options.name;
    this.sources = options.sources ?? [];
    this.#reconciler = options.reconciler;
    this.#workers = workers;
    this.#timeoutMs = options.reconcileTimeoutMs;
    this.#clock = options.clock ?? systemClock;
    this.#logger = (options.logger ?? createLogger({ level: 'info' })).child({ controller: options.name });
    const registry = options.metricsRegistry;
    this.#queue = newRateLimitingQueue<string>({
      rateLimiter: options.rateLimiter ?? defaultControllerRateLimiter<string>({ clock: this.#clock }),
      name: options.name,
      metricsProvider: registry ? workqueueMetricsProviderFor(registry) : undefined,
      clock: this.#clock,
    });
    this.#metrics = newControllerMetrics(options.name, workers, registry);
    this.#gate = options.readYourWrites || undefined;
  }

  /** Queues `request` for reconciliation (keyed `namespace/name`, or `name` when cluster-scoped). */
  enqueue(request: Request): void {
    this.#queue.add(requestKey(request));
  }

  /**
   * Runs workers until `signal` aborts; then stops taking work, lets in-flight reconciles finish within
   * `shutdownTimeoutMs` (their signal aborted only after that), and resolves. Rejects with ControllerStateError
   * if this controller is already running.
   */
  async start(signal: AbortSignal, options: ControllerStartOptions = {}): Promise<void> {
    if (this.#running) throw new ControllerStateError(`controller ${this.name} is already running`);
    const graceMs = options.shutdownTimeoutMs ?? defaultShutdownTimeoutMs;
    if (!(graceMs >= 0)) throw new ControllerOptionsError(`shutdownTimeoutMs must be ≥ 0, got ${graceMs}`);
    this.#running = true;
    try {
      this.#logger.info({ workers: this.#workers }, 'Starting workers');
      const workers = Promise.all(Array.from({ length: this.#workers }, () => this.#work(signal)));
      await abortOf(signal);
      this.#logger.info({ inFlight: this.#inFlight.size }, 'Stopping workers; waiting for in-flight reconciles');
      const grace = new AbortController();
      const cutShort = options.abortInFlight;
      const abandon = await Promise.race([
        workers.then(() => undefined),
        this.#clock.sleep(graceMs, grace.signal).then(
          () => `after ${graceMs} ms of grace`,
          () => undefined,
        ),
        ...(cutShort ? [abortOf(cutShort).then(() => 'because its in-flight work was called off')] : []),
      ]);
      grace.abort();
      if (abandon !== undefined) this.#abandonInFlight(abandon);
      this.#logger.info('Controller stopped');
    } finally {
      this.#running = false;
    }
  }

  /** For health checks: in-flight count, the oldest in-flight reconcile's age, and queue depth. */
  stats(): ControllerStats {
    const now = this.#clock.now();
    let oldest = now;
    for (const entry of this.#inFlight) oldest = Math.min(oldest, entry.startedAt);
    return { inFlight: this.#inFlight.size, oldestInFlightMs: now - oldest, queueDepth: this.#queue.len() };
  }

  /** One worker: takes keys until `signal` aborts (a running reconcile is finished first). */
  async #work(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      // A queued key is taken at once; a promise is made only when the worker has to wait for one.
      const next = this.#queue.tryGet() ?? (await this.#queue.get(signal).catch(() => undefined));
      if (next === undefined || next.shutdown) return; // undefined: the signal aborted, no key was taken
      await this.#reconcileKey(next.item);
    }
  }

  /** Reconciles one key and applies the outcome; never throws. */
  async #reconcileKey(key: string): Promise<void> {
    const reconcileId = randomUUID();
    const logger = this.#logger.child({ key, reconcileId });
    const entry: InFlight = { startedAt: this.#clock.now(), abort: new AbortController() };
    this.#inFlight.add(entry);
    this.#metrics.activeWorkers(1);
    await this.#awaitOwnWrites(key, entry.abort.signal, logger);
    const stopTimer = this.#armTimeout(entry, logger);
    try {
      const result = await this.#reconcile(key, { signal: entry.abort.signal, logger, reconcileId });
      this.#succeeded(key, result, logger);
    } catch (error) {
      this.#failed(key, error, logger);
    } finally {
      stopTimer();
      this.#inFlight.delete(entry);
      this.#metrics.activeWorkers(-1);
      this.#metrics.observeSeconds((this.#clock.now() - entry.startedAt) / 1000);
      this.#queue.done(key);
    }
  }

  /** Runs the reconciler; with read-your-writes, remembers the writes its caches have yet to observe. */
  async #reconcile(key: string, context: ReconcileContext): Promise<ReconcileResult> {
    const gate = this.#gate;
    if (gate === undefined) return await this.#reconciler(requestFromKey(key), context);
    const { outcome, writes } = await gate.track(() => this.#reconciler(requestFromKey(key), context));
    if (writes.length > 0) {
      this.#pending.set(key, writes);
      void Promise.all(writes.map((w) => w.settled)).then(() => {
        if (this.#pending.get(key) === writes) this.#pending.delete(key);
      });
    }
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }

  /**
   * Waits until the caches observed the writes of `key`'s previous reconcile, or each write's timeout passed, or
   * `signal` aborted: event-driven, never polling. Logs (debug) when it waits, and warns on a timeout.
   */
  async #awaitOwnWrites(key: string, signal: AbortSignal, logger: Logger): Promise<void> {
    const writes = this.#pending.get(key);
    if (writes === undefined) return;
    this.#pending.delete(key);
    logger.debug({ writes: writes.map((w) => w.description) }, 'Waiting for the caches to observe own writes');
    const observed = await Promise.race([Promise.all(writes.map((w) => w.settled)), abortOf(signal)]);
    const missed = (observed ?? []).flatMap((seen, i) => (seen ? [] : [writes[i]?.description]));
    if (missed.length > 0) {
      const timeoutMs = this.#gate?.timeoutMs;
      logger.warn({ writes: missed, timeoutMs }, 'The caches did not observe own writes in time; reconciling anyway');
    }
  }

  #succeeded(key: string, result: ReconcileResult, logger: Logger): void {
    const after = typeof result === 'object' && result !== null ? result.requeueAfterMs : undefined;
    if (after === undefined) {
      this.#queue.forget(key);
      this.#metrics.reconciled('success');
      logger.debug('Reconcile succeeded');
    } else if (after > 0) {
      this.#queue.forget(key);
      this.#queue.addAfter(key, after);
      this.#metrics.reconciled('requeue_after');
      logger.debug({ requeueAfterMs: after }, 'Reconcile succeeded; requeued after a delay');
    } else {
      this.#queue.addRateLimited(key);
      this.#metrics.reconciled('requeue');
      logger.debug('Reconcile succeeded; requeued rate-limited');
    }
  }

  #failed(key: string, error: unknown, logger: Logger): void {
    const terminal = error instanceof TerminalError;
    this.#metrics.failed(terminal);
    this.#metrics.reconciled('error');
    if (terminal) {
      this.#queue.forget(key);
      logger.error({ err: error }, 'Reconciler error (terminal: not requeued)');
      return;
    }
    this.#queue.addRateLimited(key);
    logger.error({ err: error, failures: this.#queue.numRequeues(key) }, 'Reconciler error');
  }

  /** Aborts `entry`'s signal after reconcileTimeoutMs; returns the canceller. */
  #armTimeout(entry: InFlight, logger: Logger): () => void {
    const timeoutMs = this.#timeoutMs;
    if (timeoutMs === undefined) return () => {};
    const cancel = new AbortController();
    this.#clock.sleep(timeoutMs, cancel.signal).then(
      () => {
        logger.warn({ timeoutMs }, 'Reconcile timed out; aborting its signal');
        entry.abort.abort(new ReconcileTimeoutError(`reconcile exceeded ${timeoutMs} ms`));
      },
      () => {},
    );
    return () => cancel.abort();
  }

  #abandonInFlight(why: string): void {
    this.#logger.warn({ inFlight: this.#inFlight.size }, `Aborting in-flight reconciles ${why}`);
    const reason = new ControllerShutdownError(`controller ${this.name} stopped ${why}`);
    for (const entry of this.#inFlight) entry.abort.abort(reason);
  }
}

function validate(name: string, workers: number, timeoutMs: number | undefined): void {
  if (!name) throw new ControllerOptionsError('a controller needs a name');
  if (!Number.isInteger(workers) || workers < 1) {
    throw new ControllerOptionsError(`maxConcurrentReconciles must be an integer ≥ 1, got ${workers}`);
  }
  if (timeoutMs !== undefined && !(timeoutMs > 0)) {
    throw new ControllerOptionsError(`reconcileTimeoutMs must be > 0, got ${timeoutMs}`);
  }
}

/** Resolves once `signal` has aborted. */
function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
