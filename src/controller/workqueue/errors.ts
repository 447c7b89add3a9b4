/** Defines the error a workqueue or rate limiter throws when it is built with impossible options. */
import { KubeloopError } from '../../errors.js';

/**
 * Thrown by a workqueue or rate-limiter factory given options that cannot work (a negative delay, a qps ≤ 0, …).
 *
 * Guarantees: thrown only at construction, never by a running queue; `message` names the option.
 */
export class WorkqueueOptionsError extends KubeloopError<'WORKQUEUE_OPTIONS'> {
  readonly code = 'WORKQUEUE_OPTIONS';
}

/** Throws WorkqueueOptionsError unless `value` is a finite number ≥ `min`. */
export function requireAtLeast(what: string, value: number, min: number): void {
  if (!(Number.isFinite(value) && value >= min)) {
    throw new WorkqueueOptionsError(`${what} must be a finite number >= ${min}, got ${value}`);
  }
}
