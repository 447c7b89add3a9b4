/** Classifies the errors a Reflector meets (expired, too-large RV, retriable) and defines the ones it raises. */
import type { Status } from '../client/meta.js';
import {
  isForbidden,
  isGone,
  isNotFound,
  isResourceExpired,
  isTimeout,
  isTooManyRequests,
  StatusError,
} from '../client/rest/status-error.js';
import { KubeloopError } from '../errors.js';

/** The resourceVersion is older than the server's history: relist (reason Expired or Gone, or an unknown 410). */
export function isExpiredError(error: unknown): boolean {
  return isResourceExpired(error) || isGone(error);
}

/**
 * The resourceVersion is newer than the server has seen (e.g. after an etcd restore): cause
 * ResourceVersionTooLarge, or, from servers 1.17.0–1.18.5, a Timeout saying "Too large resource version".
 */
export function isTooLargeResourceVersionError(error: unknown): boolean {
  if (!(error instanceof StatusError)) return false;
  if (error.causes.some((cause) => cause.reason === 'ResourceVersionTooLarge')) return true;
  if (!isTimeout(error)) return false;
  const marker = 'Too large resource version';
  return error.causes.some((cause) => cause.message === marker) || (error.status.message ?? '').includes(marker);
}

/** Whether an error (or one in its cause chain or aggregate) is a refused TCP connection. */
export function isConnectionRefused(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  if ((error as { code?: unknown }).code === 'ECONNREFUSED') return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isConnectionRefused(inner, depth + 1))) {
    return true;
  }
  return isConnectionRefused(error.cause, depth + 1);
}

/** A watch error worth retrying without a relist: the server is down for a moment or throttling us. */
export function isWatchErrorRetriable(error: unknown): boolean {
  return isConnectionRefused(error) || isTooManyRequests(error);
}

/** Returns the StatusError an ERROR watch event stands for (apimachinery's FromObject). */
export function errorFromStatus(status: Status, path: string): StatusError {
  return new StatusError({ ...status, code: status.code ?? 500 }, { verb: 'WATCH', path });
}

/** A watch closed in under a second without one event: the server is likely rejecting us; relist after backoff. */
export class VeryShortWatchError extends KubeloopError<'VERY_SHORT_WATCH'> {
  readonly code = 'VERY_SHORT_WATCH' as const;
  constructor(name: string) {
    super(`very short watch: ${name}: unexpected watch close - watch lasted less than a second and no items received`);
  }
}

/**
 * The initial list failed for a reason other than an unavailable resourceVersion; `cause` holds the error.
 *
 * Guarantees: `description` names what was listed; `statusCode` is the HTTP status when the server answered.
 */
export class ListFailedError extends KubeloopError<'LIST_FAILED'> {
  readonly code = 'LIST_FAILED' as const;
  /** The HTTP status of the server's answer; undefined when it never answered (connection refused, timeout). */
  readonly statusCode: number | undefined;
  constructor(
    readonly description: string,
    cause: unknown,
  ) {
    super(`failed to list ${description}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.statusCode = cause instanceof StatusError ? cause.statusCode : undefined;
  }
}

/** Whether a failed list was refused for good: 403 Forbidden or 404 NotFound (retrying alone will not help). */
export function isListRefused(error: ListFailedError): boolean {
  return isForbidden(error.cause) || isNotFound(error.cause);
}
