/** Defines the errors a Controller throws or aborts reconciles with. */
import { KubeloopError } from '../errors.js';

/** Invalid ControllerOptions or builder calls (no name, a worker count below 1, `complete` without `for`, …). */
export class ControllerOptionsError extends KubeloopError<'CONTROLLER_OPTIONS'> {
  readonly code = 'CONTROLLER_OPTIONS';
}

/** `start` called while the controller is already running. */
export class ControllerStateError extends KubeloopError<'CONTROLLER_STATE'> {
  readonly code = 'CONTROLLER_STATE';
}

/** The abort reason of a reconcile that outlived `reconcileTimeoutMs`. */
export class ReconcileTimeoutError extends KubeloopError<'RECONCILE_TIMEOUT'> {
  readonly code = 'RECONCILE_TIMEOUT';
}

/** The abort reason of a reconcile still running when the controller's shutdown grace period ended. */
export class ControllerShutdownError extends KubeloopError<'CONTROLLER_SHUTDOWN'> {
  readonly code = 'CONTROLLER_SHUTDOWN';
}
