/** Runs a program's controllers: shared caches, leader election, probes, metrics and a graceful shutdown. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type Gauge, Registry } from 'prom-client';
import {
  newSharedInformerFactory,
  type SharedInformerFactory,
  type SharedInformerFactoryOptions,
} from '../cache/informer-factory.js';
import type { ListFailedError } from '../cache/reflector-errors.js';
import { stripManagedFields } from '../cache/transform.js';
import { firstRefusedList, waitForCacheSync } from '../cache/wait-for-cache-sync.js';
import { ClientSet } from '../client/kubernetes/clientset.js';
import { type Clock, systemClock } from '../client/rest/clock.js';
import { RESTClient } from '../client/rest/rest-client.js';
import { createLogger } from '../logger.js';
import type { EventRecorder } from './events/event-recorder.js';
import {
  checkLiveness,
  checkReadiness,
  type HealthCheck,
  type ManagerPhase,
  type ProbeResult,
  runHealthChecks,
  withFailures,
} from './health-checks.js';
import { type HealthServer, startHealthServer } from './health-server.js';
import { LeaderElectionOptionsError } from './leader-election/errors.js';
import { LeaderElector } from './leader-election/leader-elector.js';
import { LeaseLock } from './leader-election/lease-lock.js';
import { runLeaderElection } from './leader-election/run-leader-election.js';
import { cacheSyncTimeoutMessage, ManagerError, ManagerOptionsError, ManagerStateError } from './manager-errors.js';
import { ManagerEventRecorders } from './manager-event-recorders.js';
import { type ManagerOptions, type ManagerTimings, resolveManagerTimings } from './manager-options.js';
import { addCheck, leaderGauge, uniqueInformers } from './manager-support.js';
import { ReadYourWrites } from './read-your-writes/read-your-writes.js';
import { restClientMetricsObserver } from './rest-client-metrics.js';
import { type Runnable, type RunnableError, RunnableGroup, unreadyRunnables } from './runnable.js';
import { ShardingOptionsError } from './sharding/errors.js';
import { ManagerSharding, type ShardingContext } from './sharding/manager-sharding.js';
import { handleShutdownSignals } from './signals.js';
import { type TrackingInformerFactory, trackInformers } from './tracking-informer-factory.js';

/**
 * What a manager needs of an informer feeding a controller; SharedIndexInformer satisfies it.
 *
 * Guarantees: the manager only reads it (sync state, watch progress); starting it is its factory's job.
 */
export interface ManagedInformer {
  readonly name: string;
  /** True once the initial list is in the cache. */
  hasSynced(): boolean;
  /** When the watch last proved alive (epoch ms); undefined before the first watch. */
  lastWatchProgressAt(): number | undefined;
  /** True once the informer has stopped for good. */
  isStopped(): boolean;
  /** A list refused with 403 or 404: the cache sync fails at once with it instead of at the sync timeout. */
  refusedListError?(): ListFailedError | undefined;
}

/**
 * What a manager needs of a controller (defined by its consumer); `Controller` satisfies it.
 *
 * Guarantees: the manager calls `start` only after every source synced, at most once at a time, and again after
 * it resolved when leadership comes back; `stats` is read at any time by /healthz.
 */
export interface ManagedController {
  readonly name: string;
  /** Runs until `signal` aborts, then lets in-flight work finish within `shutdownTimeoutMs` and resolves. */
  start(signal: AbortSignal, options?: { shutdownTimeoutMs?: number; abortInFlight?: AbortSignal }): Promise<void>;
  /** Reconciles running now, the age of the oldest, and the keys waiting. */
  stats(): { readonly inFlight: number; readonly oldestInFlightMs: number; readonly queueDepth: number };
  /** The informers feeding it: the manager waits for them to sync before starting it. */
  readonly sources: readonly ManagedInformer[];
}

/** Re-export so `ManagerOptions` comes with the manager. */
export type { ManagerOptions } from './manager-options.js';

/**
 * A program's controllers and what they share (controller-runtime's Manager): one ClientSet, one informer factory
 * (one cache and one watch per resource), one metrics registry, leader election and the probe server.
 *
 * Guarantees:
 * - `start` runs once. Caches run on every replica, leader or not, so a standby takes over with warm caches.
 *   No controller starts before every informer it reads (and every informer of the factory) has synced; if they
 *   do not within `cacheSyncTimeoutMs`, `start` stops everything and rejects with a ManagerError naming them.
 * - Without leader election every controller runs from sync to stop. With it, controllers run only while this
 *   replica holds the Lease; losing it stops them and the replica campaigns again, without exiting.
 * - On stop (the signal aborts, or SIGTERM/SIGINT with `handleSignals`): controllers stop taking work, in-flight
 *   reconciles get `gracefulShutdownTimeoutMs` to finish, then the informers stop and the probe server closes;
 *   `start` resolves after all of that. A stop during the cache sync resolves too (no error). A stopping leader
 *   keeps renewing its Lease until its controllers stopped, and only then ends its term (releasing the Lease with
 *   `releaseOnCancel`), so no other replica reconciles while it drains.
 * - With `sharding` (docs/sharding.md) the Lease is this replica's own shard Lease in its ring: controllers run while
 *   it is a member, informers of the sharded resources see only its objects, and the drainer and the ring's sharder
 *   run as runnables needing that membership.
 * - After a LOST lease, in-flight reconciles get no grace: their signals abort at once, since another replica may
 *   take over leaseDuration − renewDeadline (5 s by default) after this one stopped leading. A reconciler that
 *   honours its signal therefore never overlaps the next leader by more than its own reaction time.
 *   (controller-runtime exits the process instead; issue 5 asks to campaign again.)
 * - Runnables (`addRunnable`) without `needLeaderElection` start before the cache sync wait and stop after the
 *   controllers and informers; with it they run with the controllers (while leading). A runnable that fails stops
 *   the manager, and `start` rejects with a RunnableError naming it.
 * - /readyz is 200 once caches synced, controllers run or stand by, every running runnable's `ready()` is true and
 *   every readyz check passes; /healthz is 200 unless a watch stalled, a worker is stuck (see ManagerOptions) or a
 *   healthz check fails; each failure is one line of the body. /metrics serves `metricsRegistry`, which also holds
 *   client-go's `rest_client_*` metrics of every request made through `clientSet`.
 * - Event recorders from `eventRecorderFor` are flushed (for up to 5 s) after the controllers stopped.
 * - With read-your-writes (the default), a controller's next reconcile of a key waits until the factory's informers
 *   observed what its previous reconcile wrote through `clientSet` (see ManagerOptions.readYourWrites).
 */
export class Manager {
  readonly clientSet: ClientSet;
  /** Informers made here are shared by all controllers and started by `start`; make them before `start`. */
  readonly factory: SharedInformerFactory;
  readonly metricsRegistry: Registry;
  /** The manager's logger (the given one, or a redacting one at `info`); builders may hand it to controllers. */
  readonly logger: Logger;
  /** Read-your-writes of the manager's clients and caches (the builder hands it to controllers); off = undefined. */
  readonly readYourWrites: ReadYourWrites | undefined;
  readonly #tracking: TrackingInformerFactory;
  readonly #options: ManagerOptions;
  readonly #timings: ManagerTimings;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #elector: LeaderElector | undefined;
  /** With `sharding`: this shard's parts; its membership Lease is the elector's. */
  readonly #sharding: ManagerSharding | undefined;
  readonly #controllers: ManagedController[] = [];
  readonly #runnables: Runnable[] = [];
  readonly #healthzChecks = new Map<string, HealthCheck>();
  readonly #readyzChecks = new Map<string, HealthCheck>();
  readonly #recorders: ManagerEventRecorders;
  /** The first runnable failure: it stopped the manager, and `start` rejects with it. */
  #failure: RunnableError | undefined;
  /** Every informer the manager waits for and watches over; fixed at start. */
  #informers: readonly ManagedInformer[] = [];
  #phase: ManagerPhase = 'idle';
  #watchesStartedAt = 0;
  #health: HealthServer | undefined;
  /** The signal of the running `start`: aborted when the manager stops. */
  #stop: AbortSignal | undefined;
  /** True while a term's controllers run (until they all stopped). */
  #termActive = false;
  /** Stops the manager because a runnable failed; set by `start`. */
  #onFailure: (error: RunnableError) => void = () => {};
  /** Ends the leader election; set while it runs. */
  #endElection: (() => void) | undefined;
  /** 1 while leading; only with leader election. */
  readonly #leaderGauge: Gauge | undefined;

  /** Same as {@link newManager}. */
  static create(options: ManagerOptions): Manager {
    return new Manager(options);
  }

  /** Checks the options (ManagerOptionsError) and builds the clients; nothing runs until `start`. */
  constructor(options: ManagerOptions) {
    this.#timings = resolveManagerTimings(options);
    this.#options = options;
    this.#logger = options.logger ?? createLogger({ level: 'info' });
    this.logger = this.#logger;
    this.#clock = options.clock ?? systemClock;
    this.metricsRegistry = options.metricsRegistry ?? new Registry();
    const rywTimeoutMs = this.#timings.readYourWritesTimeoutMs;
    this.readYourWrites =
      rywTimeoutMs > 0
        ? new ReadYourWrites({ timeoutMs: rywTimeoutMs, namespace: options.namespace, clock: this.#clock })
        : undefined;
    const observer = restClientMetricsObserver(this.metricsRegistry);
    this.clientSet = new ClientSet(
      RESTClient.forConfig(options.config, {
        observer: this.readYourWrites ? { ...observer, onWrite: this.readYourWrites.onWrite } : observer,
      }),
    );
    this.#recorders = new ManagerEventRecorders(this.clientSet.eventsV1(), this.#clock, this.#logger);
    this.#sharding = newSharding(options);
    const factoryOptions: SharedInformerFactoryOptions = {
      clientSet: this.clientSet,
      ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
      ...(options.stripManagedFields === false ? {} : { transform: stripManagedFields }),
      ...(options.deadWatchTimeoutMs === undefined ? {} : { deadWatchTimeoutMs: options.deadWatchTimeoutMs }),
      logger: this.#logger,
      clock: this.#clock,
    };
    this.#tracking = trackInformers(
      this.#sharding ? this.#sharding.factory(factoryOptions) : newSharedInformerFactory(factoryOptions),
    );
    this.factory = this.#tracking;
    this.#elector = this.#newElector();
    for (const runnable of this.#sharding?.runnables(this.#shardingContext()) ?? []) this.addRunnable(runnable);
    this.#leaderGauge = this.#elector ? leaderGauge(this.metricsRegistry) : undefined;
  }

  /** `host:port` of the probe server once `start` bound it; undefined before, after stop, or without one. */
  get healthAddress(): string | undefined {
    return this.#health?.address;
  }

  /** This replica's shard name with `sharding`; undefined otherwise. */
  get shard(): string | undefined {
    return this.#sharding?.shard;
  }

  /**
   * Whether this replica runs the controllers now: always while running without leader election; with `sharding`,
   * while it holds its shard Lease.
   */
  isLeader(): boolean {
    return this.#elector ? this.#elector.isLeader() : this.#phase === 'running';
  }

  /** Adds a controller; throws ManagerStateError once `start` was called (its informers would not be started). */
  add(controller: ManagedController): void {
    this.#assertIdle(`controller ${controller.name}`);
    if (this.#controllers.some((c) => c.name === controller.name)) {
      throw new ManagerStateError(`a controller named ${controller.name} was already added (names label metrics)`);
    }
    this.#controllers.push(controller);
  }

  /**
   * Adds a runnable (e.g. a webhook server); see {@link Runnable} for when it runs. Throws ManagerStateError once
   * `start` was called, or when the name is taken.
   */
  addRunnable(runnable: Runnable): void {
    this.#assertIdle(`runnable ${runnable.name}`);
    if (this.#runnables.some((r) => r.name === runnable.name)) {
      throw new ManagerStateError(`a runnable named ${runnable.name} was already added`);
    }
    this.#runnables.push(runnable);
  }

  /** Adds a check to /healthz, named in its failure line; ManagerStateError when the name is taken. */
  addHealthzCheck(name: string, check: HealthCheck): void {
    addCheck(this.#healthzChecks, 'healthz', name, check);
  }

  /** Adds a check to /readyz, named in its failure line; ManagerStateError when the name is taken. */
  addReadyzCheck(name: string, check: HealthCheck): void {
    addCheck(this.#readyzChecks, 'readyz', name, check);
  }

  /**
   * The Event recorder reporting as controller `name` (e.g. `example.com/widgets`), the same one for the same name,
   * writing through the manager's clientSet. The manager flushes and shuts it down when it stops (after its
   * controllers stopped, for up to 5 s); after that it drops occurrences.
   */
  eventRecorderFor(name: string): EventRecorder {
    return this.#recorders.recorderFor(name);
  }

  /** What /healthz answers now, without the checks added with `addHealthzCheck` (the probe runs those too). */
  liveness(): ProbeResult {
    // Before start nothing runs, and while stopping the informers stop on purpose: nothing to judge.
    if (this.#phase === 'idle' || this.#phase === 'stopping' || this.#phase === 'stopped') {
      return { ok: true, failures: [] };
    }
    return checkLiveness({
      now: this.#clock.now(),
      watchesStartedAt: this.#watchesStartedAt,
      informers: this.#informers,
      controllers: this.#controllers,
      watchStallTimeoutMs: this.#timings.watchStallTimeoutMs,
      workerStuckTimeoutMs: this.#timings.workerStuckTimeoutMs,
    });
  }

  /**
   * What /readyz answers now, runnables' `ready()` included, without the checks added with `addReadyzCheck` (the
   * probe runs those too). Runnables needing leader election count only while they run (leading).
   */
  readiness(): ProbeResult {
    const phase = this.#phase;
    const unsynced = phase === 'syncing' ? this.#informers.filter((i) => !i.hasSynced()).map((i) => i.name) : [];
    const result = checkReadiness(phase, unsynced);
    if (phase === 'idle' || phase === 'stopped') return result;
    const leading = phase === 'running' || phase === 'leading';
    return withFailures(result, unreadyRunnables(this.#runnables.filter((r) => leading || !r.needLeaderElection)));
  }

  /**
   * Starts the probe server and informers, waits for caches to sync (ManagerError on timeout), runs the
   * controllers (while leading, with leader election) until `signal` aborts, then shuts down gracefully and
   * resolves. Rejects with ManagerStateError when called twice, with the listen error when the probe port cannot
   * be bound, and with a RunnableError (after stopping everything) when a runnable failed.
   */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#phase !== 'idle') throw new ManagerStateError('a manager starts only once');
    this.#phase = 'syncing';
    const stop = new AbortController();
    this.#stop = stop.signal;
    // Readiness turns false the moment shutdown begins, before the controllers have drained.
    stop.signal.addEventListener('abort', () => (this.#phase = 'stopping'), { once: true });
    const onAbort = (): void => stop.abort(signal.reason);
    if (signal.aborted) stop.abort(signal.reason);
    else signal.addEventListener('abort', onAbort, { once: true });
    const removeSignalHandlers = this.#options.handleSignals
      ? handleShutdownSignals((name) => stop.abort(new Error(`received ${name}`)), this.#logger)
      : undefined;
    this.#onFailure = (error) => {
      this.#failure ??= error;
      stop.abort(error);
    };
    const others = new RunnableGroup(
      this.#runnables.filter((r) => !r.needLeaderElection),
      this.#logger,
    );
    try {
      this.#informers = uniqueInformers(this.#tracking.informers(), this.#controllers);
      await this.#startHealthServer();
      others.start(undefined, this.#onFailure);
      this.readYourWrites?.attach(this.#tracking.informers());
      this.#watchesStartedAt = this.#clock.now();
      this.#tracking.start(stop.signal);
      if (await this.#waitForCaches(stop.signal)) await this.#runControllers(stop.signal);
    } finally {
      this.#phase = 'stopping';
      signal.removeEventListener('abort', onAbort);
      await this.#recorders.shutdown(eventFlushTimeoutMs);
      await this.#tracking.shutdown();
      await others.stop();
      await this.#health?.close();
      this.#health = undefined;
      removeSignalHandlers?.();
      this.#phase = 'stopped';
      this.#logger.info('manager stopped');
    }
    if (this.#failure) throw this.#failure;
  }

  async #startHealthServer(): Promise<void> {
    const probe = this.#options.healthProbe;
    if (probe === undefined) return;
    this.#health = await startHealthServer({
      port: probe.port,
      host: probe.host ?? '127.0.0.1',
      liveness: async () => withFailures(this.liveness(), await runHealthChecks(this.#healthzChecks)),
      readiness: async () => withFailures(this.readiness(), await runHealthChecks(this.#readyzChecks)),
      metrics: async () => ({
        contentType: this.metricsRegistry.contentType,
        body: await this.metricsRegistry.metrics(),
      }),
      logger: this.#logger,
    });
    this.#logger.info({ address: this.#health.address }, 'serving /healthz, /readyz and /metrics');
  }

  /** True once every informer synced; false when `stop` aborted first; throws ManagerError on timeout. */
  async #waitForCaches(stop: AbortSignal): Promise<boolean> {
    const timedOut = new AbortController();
    const cancelTimer = new AbortController();
    this.#clock.sleep(this.#timings.cacheSyncTimeoutMs, cancelTimer.signal).then(
      () => timedOut.abort(),
      () => undefined,
    );
    const informers = this.#informers;
    // A list refused with 403 or 404 will not heal by waiting: fail now rather than at the timeout.
    const refused = new AbortController();
    const noneRefused = (): boolean => {
      if (firstRefusedList(informers) !== undefined) refused.abort();
      return true;
    };
    const synced = await waitForCacheSync(
      AbortSignal.any([stop, timedOut.signal, refused.signal]),
      noneRefused,
      ...informers.map((informer) => () => informer.hasSynced()),
    );
    cancelTimer.abort();
    if (synced) {
      this.#logger.info({ informers: informers.map((i) => i.name) }, 'caches synced');
      return true;
    }
    if (stop.aborted) return false;
    const refusal = firstRefusedList(informers);
    if (refusal !== undefined) {
      const { informer, error } = refusal;
      const message = `caches cannot sync: informer ${informer}: ${error.message} (HTTP ${error.statusCode})`;
      throw new ManagerError(message, [informer], { cause: error });
    }
    const unsynced = informers.filter((informer) => !informer.hasSynced()).map((informer) => informer.name);
    throw new ManagerError(cacheSyncTimeoutMessage(unsynced, this.#timings.cacheSyncTimeoutMs), unsynced);
  }

  async #runControllers(stop: AbortSignal): Promise<void> {
    if (stop.aborted) return;
    if (this.#elector === undefined) {
      this.#phase = 'running';
      await this.#runTerm(stop);
      return;
    }
    this.#phase = 'standby';
    // The election outlives `stop` while a term drains: the leader keeps renewing until its controllers stopped,
    // so no other replica takes over while in-flight reconciles finish (controller-runtime does the same).
    const election = new AbortController();
    const onStop = (): void => {
      if (!this.#termActive) election.abort(stop.reason);
    };
    stop.addEventListener('abort', onStop, { once: true });
    this.#endElection = () => election.abort(stop.reason);
    try {
      // Each term calls #lead; runLeaderElection campaigns again after a lost lease until the election ends.
      await runLeaderElection(this.#elector, election.signal);
    } finally {
      stop.removeEventListener('abort', onStop);
    }
  }

  /** One term as leader: the controllers run until the term ends or the manager stops, whichever comes first. */
  async #lead(term: AbortSignal): Promise<void> {
    const stop = this.#stop;
    const labels = { name: this.#options.leaderElection?.name ?? '' };
    if (this.#phase === 'standby') this.#phase = 'leading';
    this.#termActive = true;
    this.#leaderGauge?.set(labels, 1);
    try {
      await this.#runTerm(stop ? AbortSignal.any([term, stop]) : term, term);
    } finally {
      this.#termActive = false;
      this.#leaderGauge?.set(labels, 0);
      if (this.#phase === 'leading') this.#phase = 'standby';
      if (stop?.aborted) this.#endElection?.();
    }
  }

  /**
   * Runs every controller until `signal` aborts; resolves once it aborted and all of them stopped. When `term` (the
   * leadership term) ends, in-flight reconciles are called off at once instead of getting the grace period.
   */
  async #runTerm(signal: AbortSignal, term?: AbortSignal): Promise<void> {
    const shutdownTimeoutMs = this.#timings.gracefulShutdownTimeoutMs;
    this.#logger.info({ controllers: this.#controllers.map((c) => c.name) }, 'starting controllers');
    const leaders = new RunnableGroup(
      this.#runnables.filter((r) => r.needLeaderElection),
      this.#logger,
    );
    leaders.start(signal, this.#onFailure);
    // Awaiting the abort too keeps a manager with no controller (or one that ended early) running until stopped.
    await Promise.all([
      abortOf(signal),
      ...this.#controllers.map((controller) =>
        controller
          .start(signal, { shutdownTimeoutMs, ...(term ? { abortInFlight: term } : {}) })
          .catch((error: unknown) => {
            this.#logger.error({ err: error, controller: controller.name }, 'controller stopped with an error');
          }),
      ),
    ]);
    await leaders.stop();
    this.#logger.info('controllers stopped');
  }

  #assertIdle(what: string): void {
    if (this.#phase !== 'idle') throw new ManagerStateError(`cannot add ${what}: the manager has already started`);
  }

  #shardingContext(): ShardingContext {
    return {
      clientSet: this.clientSet,
      namespace: this.#options.namespace,
      clock: this.#clock,
      logger: this.#logger,
      metricsRegistry: this.metricsRegistry,
      inFlightSince: () => inFlightSince(this.#controllers, this.#clock.now()),
    };
  }

  #newElector(): LeaderElector | undefined {
    if (this.#sharding) {
      return this.#sharding.elector(this.#shardingContext(), {
        onStartedLeading: (term) => this.#lead(term),
      });
    }
    const election = this.#options.leaderElection;
    if (election === undefined) return undefined;
    const identity = election.identity ?? `${hostname()}_${randomUUID()}`;
    try {
      return new LeaderElector({
        lock: new LeaseLock({
          client: this.clientSet.coordinationV1().leases(election.namespace),
          namespace: election.namespace,
          name: election.name,
          identity,
        }),
        leaseDurationMs: election.leaseDurationMs,
        renewDeadlineMs: election.renewDeadlineMs,
        retryPeriodMs: election.retryPeriodMs,
        releaseOnCancel: election.releaseOnCancel,
        clock: this.#clock,
        logger: this.#logger,
        callbacks: {
          onStartedLeading: (term) => this.#lead(term),
          onNewLeader: (leader) => this.#logger.info({ leader, self: leader === identity }, 'new leader observed'),
        },
      });
    } catch (error) {
      if (!(error instanceof LeaderElectionOptionsError)) throw error;
      throw new ManagerOptionsError(`leaderElection: ${error.message}`, { cause: error });
    }
  }
}

/** How long a stopping manager waits for its Event recorders: Events are best effort, a stop should not hang. */
const eventFlushTimeoutMs = 5_000;

/** Creates a {@link Manager}; throws ManagerOptionsError for impossible options. */
export function newManager(options: ManagerOptions): Manager {
  return new Manager(options);
}

/** Builds the sharding parts; their option errors surface as ManagerOptionsError. */
function newSharding(options: ManagerOptions): ManagerSharding | undefined {
  if (options.sharding === undefined) return undefined;
  try {
    return new ManagerSharding(options.sharding);
  } catch (error) {
    if (!(error instanceof ShardingOptionsError)) throw error;
    throw new ManagerOptionsError(error.message, { cause: error });
  }
}

/** When the oldest running reconcile of `controllers` started; undefined when none runs. */
function inFlightSince(controllers: readonly ManagedController[], now: number): number | undefined {
  let since: number | undefined;
  for (const controller of controllers) {
    const stats = controller.stats();
    if (stats.inFlight > 0) since = Math.min(since ?? Infinity, now - stats.oldestInFlightMs);
  }
  return since;
}

/** Resolves when `signal` aborts (at once if it has). */
function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
