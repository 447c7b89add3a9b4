/** Declares what a controller hands a reconciler and what the reconciler answers. */
import type { Logger } from 'pino';
import { KubeloopError } from '../errors.js';

/**
 * The object a reconcile is about (controller-runtime's reconcile.Request): only its key, never its state — read
 * the current state from a lister, since several events may have been folded into one request.
 */
export interface Request {
  /** The object's namespace; `''` for a cluster-scoped object. */
  readonly namespace: string;
  readonly name: string;
}

/**
 * What each reconcile gets besides its request.
 *
 * Guarantees: `reconcileId` is unique per reconcile call; `logger` is a child of the controller's logger bound to
 * `controller`, `key` and `reconcileId`; `signal` aborts when the reconcile outlives `reconcileTimeoutMs` or the
 * controller's shutdown grace period, never earlier.
 */
export interface ReconcileContext {
  readonly signal: AbortSignal;
  readonly logger: Logger;
  readonly reconcileId: string;
}

/**
 * What a reconcile resolves to: nothing (done; the key's backoff is forgotten) or `{ requeueAfterMs }` (done for
 * now; reconcile the key again after that delay). Failures are thrown: any error is retried with the controller's
 * rate limiter, a {@link TerminalError} is not retried.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` be a reconciler that returns nothing.
export type ReconcileResult = void | { readonly requeueAfterMs: number };

/** Brings the world named by `request` towards its desired state; see ReconcileResult for the outcomes. */
export type Reconciler = (request: Request, context: ReconcileContext) => Promise<ReconcileResult>;

/**
 * Thrown by a reconciler for a failure retrying cannot fix (an invalid spec, say): the controller logs it, counts
 * it in `controller_runtime_terminal_reconcile_errors_total`, forgets the key and does not requeue it. A later
 * event for the object enqueues it again as usual.
 */
export class TerminalError extends KubeloopError<'RECONCILE_TERMINAL'> {
  readonly code = 'RECONCILE_TERMINAL';
}

/** The workqueue key of a request: `namespace/name`, or `name` when cluster-scoped (client-go's key format). */
export function requestKey(request: Request): string {
  return request.namespace ? `${request.namespace}/${request.name}` : request.name;
}

/** The request of a workqueue key made by {@link requestKey}. */
export function requestFromKey(key: string): Request {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
