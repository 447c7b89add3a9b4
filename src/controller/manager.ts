/** Runs a program's controllers: shared caches, leader election, probes, metrics and a graceful shutdown. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { Gauge, Registry } from 'prom-client';
import { newSharedInformerFactory, type SharedInformerFactory } from '../cache/informer-factory.js';
import { stripManagedFields } from '../cache/transform.js';
import { waitForCacheSync } from '../cache/wait-for-cache-sync.js';
import { ClientSet } from '../client/kubernetes/clientset.js';
import { type Clock, systemClock } from '../client/rest/clock.js';
import { createLogger } from '../logger.js';
import { checkLiveness, checkReadiness, type ManagerPhase, type ProbeResult } from './health-checks.js';
import { type HealthServer, startHealthServer } from './health-server.js';
import { LeaderElectionOptionsError } from './leader-election/errors.js';
import { LeaderElector } from './leader-election/leader-elector.js';
import { LeaseLock } from './leader-election/lease-lock.js';
import { runLeaderElection } from './leader-election/run-leader-election.js';
import { cacheSyncTimeoutMessage, ManagerError, ManagerOptionsError, ManagerStateError } from './manager-errors.js';
import { type ManagerOptions, type ManagerTimings, resolveManagerTimings } from './manager-options.js';
import { handleShutdownSignals } from './signals.js';
import { type TrackingInformerFactory, trackInformers } from './tracking-informer-factory.js';

/**
 * What a manager needs of an informer feeding a controller; SharedIndexInformer satisfies it.
 *
 * Guarantees: the manager only reads it (sync state, watch progress); starting it is its factory's job.
 */
export interface ManagedInformer {
  readonly name: string;
  hasSynced(): boolean;
  lastWatchProgressAt(): number | undefined;
  isStopped(): boolean;
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
 * - After a LOST lease, in-flight reconciles get no grace: their signals abort at once, since another replica may
 *   take over leaseDuration − renewDeadline (5 s by default) after this one stopped leading. A reconciler that
 *   honours its signal therefore never overlaps the next leader by more than its own reaction time.
 *   (controller-runtime exits the process instead; issue 5 asks to campaign again.)
 * - /readyz is 200 once caches synced and controllers run or stand by; /healthz is 200 unless a watch stalled or a
 *   worker is stuck (see ManagerOptions); /metrics serves `metricsRegistry`.
 */
export class Manager {
  readonly clientSet: ClientSet;
  /** Informers made here are shared by all controllers and started by `start`; make them before `start`. */
  readonly factory: SharedInformerFactory;
  readonly metricsRegistry: Registry;
  /** The manager's logger (the given one, or a redacting one at `info`); builders may hand it to controllers. */
  readonly logger: Logger;
  readonly #tracking: TrackingInformerFactory;
  readonly #options: ManagerOptions;
  readonly #timings: ManagerTimings;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #elector: LeaderElector | undefined;
  readonly #controllers: ManagedController[] = [];
  /** Every informer the manager waits for and watches over; fixed at start. */
  #informers: readonly ManagedInformer[] = [];
  #phase: ManagerPhase = 'idle';
  #watchesStartedAt = 0;
  #health: HealthServer | undefined;
  /** The signal of the running `start`: aborted when the manager stops. */
  #stop: AbortSignal | undefined;
  /** True while a term's controllers run (until they all stopped). */
  #termActive = false;
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
    this.clientSet = ClientSet.forConfig(options.config);
    this.metricsRegistry = options.metricsRegistry ?? new Registry();
    this.#tracking = trackInformers(
      newSharedInformerFactory({
        clientSet: this.clientSet,
        ...(options.namespace === undefined ? {} : { namespace: options.namespace }),
        ...(options.stripManagedFields === false ? {} : { transform: stripManagedFields }),
        logger: this.#logger,
        clock: this.#clock,
      }),
    );
    this.factory = this.#tracking;
    this.#elector = this.#newElector();
    this.#leaderGauge = this.#elector ? leaderGauge(this.metricsRegistry) : undefined;
  }

  /** `host:port` of the probe server once `start` bound it; undefined before, after stop, or without one. */
  get healthAddress(): string | undefined {
    return this.#health?.address;
  }

  /** Whether this replica runs the controllers now: always while running without leader election. */
  isLeader(): boolean {
    return this.#elector ? this.#elector.isLeader() : this.#phase === 'running';
  }

  /** Adds a controller; throws ManagerStateError once `start` was called (its informers would not be started). */
  add(controller: ManagedController): void {
    if (this.#phase !== 'idle') {
      throw new ManagerStateError(`cannot add controller ${controller.name}: the manager has already started`);
    }
    if (this.#controllers.some((c) => c.name === controller.name)) {
      throw new ManagerStateError(`a controller named ${controller.name} was already added (names label metrics)`);
    }
    this.#controllers.push(controller);
  }

  /** What /healthz answers now. */
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

  /** What /readyz answers now. */
  readiness(): ProbeResult {
    if (this.#phase !== 'syncing') return checkReadiness(this.#phase);
    return checkReadiness(
      this.#phase,
      this.#informers.filter((i) => !i.hasSynced()).map((i) => i.name),
    );
  }

  /**
   * Starts the probe server and informers, waits for caches to sync (ManagerError on timeout), runs the
   * controllers (while leading, with leader election) until `signal` aborts, then shuts down gracefully and
   * resolves. Rejects with ManagerStateError when called twice, and with the listen error when the probe port
   * cannot be bound.
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
    try {
      this.#informers = uniqueInformers(this.#tracking.informers(), this.#controllers);
      await this.#startHealthServer();
      this.#watchesStartedAt = this.#clock.now();
      this.#tracking.start(stop.signal);
      if (await this.#waitForCaches(stop.signal)) await this.#runControllers(stop.signal);
    } finally {
      this.#phase = 'stopping';
      signal.removeEventListener('abort', onAbort);
      await this.#tracking.shutdown();
      await this.#health?.close();
      this.#health = undefined;
      removeSignalHandlers?.();
      this.#phase = 'stopped';
      this.#logger.info('manager stopped');
    }
  }

  async #startHealthServer(): Promise<void> {
    const probe = this.#options.healthProbe;
    if (probe === undefined) return;
    this.#health = await startHealthServer({
      port: probe.port,
      host: probe.host ?? '127.0.0.1',
      liveness: () => this.liveness(),
      readiness: () => this.readiness(),
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
    const synced = await waitForCacheSync(
      AbortSignal.any([stop, timedOut.signal]),
      ...informers.map((informer) => () => informer.hasSynced()),
    );
    cancelTimer.abort();
    if (synced) {
      this.#logger.info({ informers: informers.map((i) => i.name) }, 'caches synced');
      return true;
    }
    if (stop.aborted) return false;
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
    this.#logger.info('controllers stopped');
  }

  #newElector(): LeaderElector | undefined {
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

/** Creates a {@link Manager}; throws ManagerOptionsError for impossible options. */
export function newManager(options: ManagerOptions): Manager {
  return new Manager(options);
}

/** The factory's informers and every controller source, each once, in that order. */
function uniqueInformers(
  fromFactory: readonly ManagedInformer[],
  controllers: readonly ManagedController[],
): readonly ManagedInformer[] {
  const all = new Set<ManagedInformer>(fromFactory);
  for (const controller of controllers) for (const source of controller.sources) all.add(source);
  return [...all];
}

/** controller-runtime's leader_election_master_status gauge, reused when the registry already has it. */
function leaderGauge(registry: Registry): Gauge {
  const name = 'leader_election_master_status';
  const existing = registry.getSingleMetric(name);
  if (existing instanceof Gauge) return existing;
  return new Gauge({
    name,
    help: 'Whether this replica leads the election named by the label: 1 or 0.',
    labelNames: ['name'],
    registers: [registry],
  });
}

/** Resolves when `signal` aborts (at once if it has). */
function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
