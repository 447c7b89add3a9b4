/** Defines the errors a Manager throws: impossible options, misuse of its lifecycle, and caches that never synced. */
import { KubeloopError } from '../errors.js';

/**
 * Thrown by `newManager` given options it cannot honour (a negative timeout, a port out of range, leader election
 * without a Lease name, …).
 *
 * Guarantees: thrown only at construction, before any request or listener; `message` names the option and the rule.
 */
export class ManagerOptionsError extends KubeloopError<'MANAGER_OPTIONS'> {
  readonly code = 'MANAGER_OPTIONS';
}

/**
 * Rejects a second `Manager.start`, or an `add` once the manager has stopped: a manager runs once.
 *
 * Guarantees: the manager's state is not changed by the call that threw.
 */
export class ManagerStateError extends KubeloopError<'MANAGER_STATE'> {
  readonly code = 'MANAGER_STATE';
}

/**
 * Rejects `Manager.start` when caches did not sync within `cacheSyncTimeoutMs`, e.g. an informer on a CRD that is
 * not installed (its list fails with 404 for ever).
 *
 * Guarantees: `unsynced` lists the name of every informer not synced, in the order the manager waited for them,
 * and `message` names them all; by the time it rejects, the informers were stopped and the health server closed.
 */
export class ManagerError extends KubeloopError<'MANAGER_CACHE_SYNC'> {
  readonly code = 'MANAGER_CACHE_SYNC';
  /** The informers that had not synced. */
  readonly unsynced: readonly string[];

  constructor(message: string, unsynced: readonly string[], options?: ErrorOptions) {
    super(message, options);
    this.unsynced = unsynced;
  }
}

/** The message of a ManagerError for `unsynced` after `timeoutMs`. */
export function cacheSyncTimeoutMessage(unsynced: readonly string[], timeoutMs: number): string {
  const which = unsynced.join(', ');
  return (
    `caches did not sync within ${timeoutMs} ms: ${which} ` +
    '(is the resource installed, e.g. its CRD, and may this identity list and watch it?)'
  );
}
