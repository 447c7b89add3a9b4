/** Declares the options of a LeaderElector and checks that its timings can keep the election safe. */
import type { Logger } from 'pino';
import { type Clock, systemClock } from '../../client/rest/clock.js';
import { createLogger } from '../../logger.js';
import { LeaderElectionOptionsError } from './errors.js';
import type { LeaseLock } from './lease-lock.js';

/** What the elector tells its user. Each callback's errors are logged, never thrown into the election. */
export interface LeaderCallbacks {
  /**
   * Called when this candidate starts leading, once per term. `signal` aborts the moment leadership ends (lost,
   * or the run's signal aborted): stop the leader's work then. The elector waits for the returned promise to
   * settle before releasing the lease or campaigning again, so return promptly after the abort.
   */
  readonly onStartedLeading: (signal: AbortSignal) => void | Promise<void>;
  /** Called once at the end of each term, right after the term's signal aborted. */
  readonly onStoppedLeading?: (() => void) | undefined;
  /** Called with each new holder this candidate observes (itself included); never with `''` (no holder). */
  readonly onNewLeader?: ((identity: string) => void) | undefined;
}

/** Options of LeaderElector (client-go's LeaderElectionConfig). */
export interface LeaderElectorOptions {
  /** The lock; its identity is this candidate's. */
  readonly lock: LeaseLock;
  /**
   * How long non-leaders wait, from when they last saw the record change, before they may take the lease.
   * A whole number of seconds (the Lease stores seconds). Defaults to 15 s, client-go's recommended value.
   */
  readonly leaseDurationMs?: number | undefined;
  /**
   * How long after its last successful renewal the leader keeps retrying before it stops leading. Must be shorter
   * than the lease duration: the difference is the safety margin (see LeaderElector). Defaults to 10 s, client-go's
   * value.
   */
  readonly renewDeadlineMs?: number | undefined;
  /**
   * The wait between attempts (acquisitions are jittered up to 1.2× more). Must be below renewDeadline / 1.2 so a
   * renew deadline spans at least one retry. Defaults to 2 s, client-go's value.
   */
  readonly retryPeriodMs?: number | undefined;
  /**
   * On abort of the run's signal while leading, after the leader's work settled, write holder `''` with a 1 s
   * lease so another candidate takes over at once instead of after the lease duration. Defaults to false, as in
   * client-go: only safe if nothing the lease guards still runs once `onStartedLeading`'s promise settled.
   */
  readonly releaseOnCancel?: boolean | undefined;
  readonly callbacks: LeaderCallbacks;
  /** Defaults to the real clock; tests pass a fake one. */
  readonly clock?: Clock | undefined;
  /** Defaults to a redacting logger at `info`: acquiring and losing a lease are events operators want to see. */
  readonly logger?: Logger | undefined;
  /** Names the election in logs; defaults to the lock's `namespace/name`. */
  readonly name?: string | undefined;
}

/** LeaderElectorOptions with every default applied. */
export interface ResolvedLeaderElectorOptions {
  readonly lock: LeaseLock;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly releaseOnCancel: boolean;
  readonly callbacks: LeaderCallbacks;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly name: string;
}

/** client-go's JitterFactor: each acquisition wait is retryPeriod × (1 + up to 1.2). */
export const jitterFactor = 1.2;

/** Applies the defaults and throws LeaderElectionOptionsError unless leaseDuration > renewDeadline > 1.2 × retry. */
export function resolveLeaderElectorOptions(options: LeaderElectorOptions): ResolvedLeaderElectorOptions {
  const leaseDurationMs = options.leaseDurationMs ?? 15_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
  const retryPeriodMs = options.retryPeriodMs ?? 2_000;
  const timings = { leaseDurationMs, renewDeadlineMs, retryPeriodMs };
  for (const [key, value] of Object.entries(timings)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new LeaderElectionOptionsError(`${key} must be a finite number > 0, got ${value}`);
    }
  }
  if (!(Number.isInteger(leaseDurationMs / 1000) && leaseDurationMs >= 1000)) {
    throw new LeaderElectionOptionsError(
      `leaseDurationMs must be a whole number of seconds (the Lease stores seconds), got ${leaseDurationMs}`,
    );
  }
  if (!(leaseDurationMs > renewDeadlineMs)) {
    throw new LeaderElectionOptionsError(
      `leaseDurationMs (${leaseDurationMs}) must be greater than renewDeadlineMs (${renewDeadlineMs})`,
    );
  }
  if (!(renewDeadlineMs > jitterFactor * retryPeriodMs)) {
    throw new LeaderElectionOptionsError(
      `renewDeadlineMs (${renewDeadlineMs}) must be greater than ${jitterFactor} × retryPeriodMs (${retryPeriodMs})`,
    );
  }
  if (typeof options.callbacks?.onStartedLeading !== 'function') {
    throw new LeaderElectionOptionsError('callbacks.onStartedLeading must be a function');
  }
  return {
    ...timings,
    lock: options.lock,
    releaseOnCancel: options.releaseOnCancel ?? false,
    callbacks: options.callbacks,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? createLogger({ level: 'info' }),
    name: options.name ?? options.lock.describe(),
  };
}
