/** Elects one leader among candidates sharing a Lease, as client-go's tools/leaderelection does. */
import type { Logger } from 'pino';
import type { Clock } from '../../client/rest/clock.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../client/rest/status-error.js';
import { LeaderElectorBusyError, LeadershipLostError } from './errors.js';
import { formatMicroTime, type LeaderElectionRecord } from './lease-lock.js';
import {
  jitterFactor,
  type LeaderElectorOptions,
  type ResolvedLeaderElectorOptions,
  resolveLeaderElectorOptions,
} from './options.js';

/**
 * A candidate in a leader election on a Lease (client-go's LeaderElector).
 *
 * `run(signal)` is one term: it tries to acquire the lease every retryPeriod (jittered up to 1.2× more) until it
 * succeeds or `signal` aborts; then calls `onStartedLeading(termSignal)` and renews every retryPeriod; once
 * renewDeadline has passed since the last successful renewal it stops leading. `runLeaderElection` repeats terms
 * until its signal aborts.
 *
 * Guarantees:
 * - Expiry is judged only by this process's clock: a candidate considers a holder's lease expired once
 *   leaseDuration has passed since it last saw the record change. The times written in the Lease are never
 *   compared with the local clock, so any clock offset between machines is tolerated — but not different clock
 *   rates.
 * - At most one leader at a time, provided clocks run at the same rate and the leader stops its work promptly when
 *   the term's signal aborts. This is not fencing: a leader that loses its ability to renew (partition, paused
 *   process) still believes it leads until renewDeadline has passed since its last successful renewal (counted
 *   from when that renewal started; for the acquisition, from when it succeeded), and may act until its term's
 *   signal aborts then. Other candidates wait leaseDuration from when they saw that write, which is later (for
 *   the acquisition: later unless its response was delayed after the apiserver stored it, which narrows the
 *   margin by that delay, as in client-go), so leaseDuration − renewDeadline (5 s by default) is the safety margin
 *   absorbing clock-rate differences, event-loop delays and the time the leader's work takes to stop. Keep it
 *   wide; a blocked event loop delays the abort by as long as it is blocked.
 * - Every write uses the resourceVersion last read or written; a conflict fails that attempt, so of candidates
 *   racing on the same record at most one write succeeds.
 * - `isLeader()` turns true just before `onStartedLeading` is called and false just before its signal aborts. At
 *   most one term of one elector is in progress at a time, and `run` resolves only after `onStoppedLeading`
 *   returned, `onStartedLeading`'s promise settled and (with releaseOnCancel) the release was attempted.
 * - `onNewLeader` is called in the order holders were observed, once per change, never with `''`.
 *
 * Deliberate differences from client-go: renewDeadline counts from the last successful renewal (client-go counts
 * it from the start of each renewal round, retryPeriod later, shrinking its margin to leaseDuration −
 * renewDeadline − retryPeriod); the first renewal comes retryPeriod after acquiring (client-go renews at once);
 * `onStoppedLeading` is called only after a term that started (client-go calls it whenever Run returns); a leader
 * that observes another holder with a live lease stops leading at once instead of retrying until renewDeadline;
 * `isLeader()` turns false when the term ends, not only when another holder is observed; the release waits for the
 * leader's work to settle; `onNewLeader` is never called with `''`.
 */
export class LeaderElector {
  readonly #options: ResolvedLeaderElectorOptions;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** The record as last read or written; undefined until the first successful read or write. */
  #observed: LeaderElectionRecord | undefined;
  /** The serialized #observed: only a change of it restarts the expiry clock. */
  #observedKey = '';
  /** Local clock time when #observed last changed. */
  #observedTime = 0;
  /** The holder last passed to onNewLeader. */
  #reportedLeader = '';
  /** True exactly while a term is in progress (onStartedLeading called, its signal not aborted). */
  #leading = false;
  /** True while a run is in progress. */
  #running = false;
  /**
   * Local clock time the leader's claim is counted from: the start of the last successful renewal, or when the
   * acquisition succeeded.
   */
  #renewedAt = 0;

  /** Validates the options; throws LeaderElectionOptionsError for impossible timings. */
  constructor(options: LeaderElectorOptions) {
    this.#options = resolveLeaderElectorOptions(options);
    this.#clock = this.#options.clock;
    this.#logger = this.#options.logger.child({ leaderElection: this.#options.name });
  }

  /** This candidate's identity (the lock's). */
  get identity(): string {
    return this.#options.lock.identity;
  }

  /** Whether this elector is leading now: a term started and its signal has not aborted. */
  isLeader(): boolean {
    return this.#leading;
  }

  /** The holder last observed in the Lease; `''` when none was observed or the lease was released. */
  getLeader(): string {
    return this.#observed?.holderIdentity ?? '';
  }

  /**
   * Runs one term: campaigns until the lease is acquired or `signal` aborts, then leads until the lease is lost or
   * `signal` aborts. Resolves (never rejects) once the term is over; rejects with LeaderElectorBusyError when a
   * run of this elector is already in progress.
   */
  async run(signal: AbortSignal): Promise<void> {
    if (this.#running) throw new LeaderElectorBusyError(`leader election ${this.#options.name} is already running`);
    this.#running = true;
    try {
      if (await this.#acquire(signal)) await this.#lead(signal);
    } finally {
      this.#running = false;
    }
  }

  /** Tries every jittered retryPeriod until acquired (true) or aborted (false). */
  async #acquire(signal: AbortSignal): Promise<boolean> {
    this.#logger.info({ lease: this.#options.lock.describe() }, 'attempting to acquire leader lease');
    while (!signal.aborted) {
      const acquired = await this.#tryAcquireOrRenew(signal);
      this.#maybeReportTransition();
      if (acquired) {
        // The term's first renew deadline counts from here: counted from the attempt's start, an acquire slower
        // than renewDeadline would end the term at its first renewal, before any renewal could fail.
        this.#renewedAt = this.#clock.now();
        this.#logger.info({ lease: this.#options.lock.describe() }, 'successfully acquired lease');
        return true;
      }
      const waitMs = this.#options.retryPeriodMs * (1 + Math.random() * jitterFactor);
      try {
        await this.#clock.sleep(waitMs, signal);
      } catch {
        return false;
      }
    }
    return false;
  }

  /** One term of leadership: starts the work, renews until lost or aborted, then winds down in a safe order. */
  async #lead(signal: AbortSignal): Promise<void> {
    const term = new AbortController();
    const endTerm = (): void => term.abort(signal.reason);
    signal.addEventListener('abort', endTerm, { once: true });
    if (signal.aborted) endTerm();
    this.#leading = true;
    const work = this.#startWork(term.signal);
    try {
      await this.#renewLoop(term.signal);
    } finally {
      signal.removeEventListener('abort', endTerm);
      this.#leading = false;
      term.abort(
        signal.aborted ? signal.reason : new LeadershipLostError(`lost lease ${this.#options.lock.describe()}`),
      );
    }
    this.#call('onStoppedLeading', () => this.#options.callbacks.onStoppedLeading?.());
    await work;
    if (signal.aborted && this.#options.releaseOnCancel) await this.#release();
  }

  /** Calls onStartedLeading; the promise settles when its work does and never rejects. */
  async #startWork(termSignal: AbortSignal): Promise<void> {
    try {
      await this.#options.callbacks.onStartedLeading(termSignal);
    } catch (error) {
      this.#logger.error({ err: error }, 'onStartedLeading failed');
    }
  }

  /** Renews every retryPeriod (first retryPeriod after acquiring); returns when a round fails or the term ends. */
  async #renewLoop(termSignal: AbortSignal): Promise<void> {
    while (!termSignal.aborted) {
      try {
        await this.#clock.sleep(this.#options.retryPeriodMs, termSignal);
      } catch {
        return;
      }
      const renewed = await this.#renewWithinDeadline(termSignal);
      this.#maybeReportTransition();
      if (!renewed) {
        if (!termSignal.aborted) this.#logger.info({ lease: this.#options.lock.describe() }, 'failed to renew lease');
        return;
      }
    }
  }

  /**
   * One renewal round: attempts every retryPeriod until one succeeds (true), renewDeadline has passed since the
   * last successful renewal, another holder is seen with a live lease, or the term aborts (false). Requests in
   * flight are aborted at the deadline.
   */
  async #renewWithinDeadline(termSignal: AbortSignal): Promise<boolean> {
    const remainingMs = this.#renewedAt + this.#options.renewDeadlineMs - this.#clock.now();
    if (remainingMs <= 0) return false;
    const round = new AbortController();
    const signal = AbortSignal.any([termSignal, round.signal]);
    void this.#clock.sleep(remainingMs, signal).then(
      () => round.abort(new DOMException('renew deadline exceeded', 'TimeoutError')),
      () => {},
    );
    try {
      for (;;) {
        if (await this.#tryAcquireOrRenew(signal)) return true;
        if (this.#heldByAnotherLive(this.#clock.now())) return false;
        await this.#clock.sleep(this.#options.retryPeriodMs, signal);
      }
    } catch {
      return false;
    } finally {
      round.abort();
    }
  }

  /**
   * One attempt (client-go's tryAcquireOrRenew): the leader first writes optimistically over the record it last
   * saw; otherwise read the Lease (create it if missing), and write ourselves as holder unless another holder's
   * lease is live by our clock. Never rejects.
   */
  async #tryAcquireOrRenew(signal: AbortSignal): Promise<boolean> {
    const now = this.#clock.now();
    const succeeded = await this.#attempt(now, signal);
    if (succeeded) this.#renewedAt = now;
    return succeeded;
  }

  /** The body of #tryAcquireOrRenew, at local time `now`. */
  async #attempt(now: number, signal: AbortSignal): Promise<boolean> {
    const { lock } = this.#options;
    const time = formatMicroTime(now);
    const desired = {
      holderIdentity: lock.identity,
      leaseDurationSeconds: this.#options.leaseDurationMs / 1000,
      acquireTime: time,
      renewTime: time,
      leaderTransitions: 0,
    };
    const observed = this.#observed;
    if (observed !== undefined && this.#observedSelf() && this.#leaseValid(now)) {
      const renewal = { ...desired, acquireTime: observed.acquireTime, leaderTransitions: observed.leaderTransitions };
      if (await this.#write('update', renewal, signal)) return true;
    }
    let current: LeaderElectionRecord;
    try {
      current = await lock.get(signal);
    } catch (error) {
      if (!isNotFound(error)) {
        this.#logger.warn({ err: error, lease: lock.describe() }, 'error retrieving lease');
        return false;
      }
      return await this.#write('create', desired, signal);
    }
    this.#observe(current);
    if (current.holderIdentity !== '' && this.#leaseValid(now) && !this.#observedSelf()) return false;
    const next = this.#observedSelf()
      ? { ...desired, acquireTime: current.acquireTime, leaderTransitions: current.leaderTransitions }
      : { ...desired, leaderTransitions: current.leaderTransitions + 1 };
    return await this.#write('update', next, signal);
  }

  /** Creates or updates the Lease with `record`; on success it becomes the observed record. */
  async #write(verb: 'create' | 'update', record: LeaderElectionRecord, signal: AbortSignal): Promise<boolean> {
    const { lock } = this.#options;
    try {
      await (verb === 'create' ? lock.create(record, signal) : lock.update(record, signal));
    } catch (error) {
      // Losing a race to another candidate is the normal way an attempt fails; anything else is worth a warning.
      const level = isConflict(error) || isAlreadyExists(error) || signal.aborted ? 'debug' : 'warn';
      this.#logger[level]({ err: error, lease: lock.describe() }, `failed to ${verb} lease`);
      return false;
    }
    this.#observe(record);
    return true;
  }

  /** Makes `record` the observed one; the expiry clock restarts only if it differs from the last one. */
  #observe(record: LeaderElectionRecord): void {
    const key = JSON.stringify([
      record.holderIdentity,
      record.leaseDurationSeconds,
      record.acquireTime ?? null,
      record.renewTime ?? null,
      record.leaderTransitions,
    ]);
    this.#observed = record;
    if (key === this.#observedKey) return;
    this.#observedKey = key;
    this.#observedTime = this.#clock.now();
  }

  /** Whether the observed holder is this candidate (client-go's IsLeader). */
  #observedSelf(): boolean {
    return this.#observed?.holderIdentity === this.#options.lock.identity;
  }

  /** Whether the observed record's lease, counted from when we saw it change, has not yet expired at `now`. */
  #leaseValid(now: number): boolean {
    const durationMs = (this.#observed?.leaseDurationSeconds ?? 0) * 1000;
    return this.#observedTime + durationMs > now;
  }

  #heldByAnotherLive(now: number): boolean {
    return this.getLeader() !== '' && !this.#observedSelf() && this.#leaseValid(now);
  }

  /** Releases the lease (holder `''`, 1 s duration) if we hold it; bounded by renewDeadline. Never rejects. */
  async #release(): Promise<void> {
    const observed = this.#observed;
    if (observed === undefined || !this.#observedSelf()) return;
    const time = formatMicroTime(this.#clock.now());
    const released = {
      holderIdentity: '',
      leaseDurationSeconds: 1,
      acquireTime: time,
      renewTime: time,
      leaderTransitions: observed.leaderTransitions,
    };
    const deadline = new AbortController();
    void this.#clock.sleep(this.#options.renewDeadlineMs, deadline.signal).then(
      () => deadline.abort(new DOMException('release deadline exceeded', 'TimeoutError')),
      () => {},
    );
    if (await this.#write('update', released, deadline.signal)) {
      this.#logger.info({ lease: this.#options.lock.describe() }, 'released lease');
    }
    deadline.abort();
  }

  /** Calls onNewLeader when the observed holder changed to someone (client-go's maybeReportTransition). */
  #maybeReportTransition(): void {
    const holder = this.getLeader();
    if (holder === '' || holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    this.#logger.info({ leader: holder }, 'new leader observed');
    this.#call('onNewLeader', () => this.#options.callbacks.onNewLeader?.(holder));
  }

  /** Runs a user callback; a throw is logged, never propagated into the election. */
  #call(name: string, callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.#logger.error({ err: error }, `${name} failed`);
    }
  }
}
