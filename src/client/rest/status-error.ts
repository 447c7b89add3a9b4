/** Turns the apiserver's failure responses into StatusError and classifies them as apimachinery's errors package does. */
import { KubeloopError } from '../../errors.js';
import type { Status, StatusCause, StatusDetails } from '../meta.js';

/** The reasons apimachinery knows (metav1.StatusReason); an empty reason is "unknown". */
export type KnownStatusReason =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Invalid'
  | 'ServerTimeout'
  | 'StoreReadError'
  | 'Timeout'
  | 'TooManyRequests'
  | 'BadRequest'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'InternalError'
  | 'Expired'
  | 'ServiceUnavailable';

/** A Status reason: one apimachinery knows, or any other string a newer server sends. */
export type StatusReason = KnownStatusReason | (string & Record<never, never>);

const knownReasons: ReadonlySet<string> = new Set<KnownStatusReason>([
  'Unauthorized',
  'Forbidden',
  'NotFound',
  'AlreadyExists',
  'Conflict',
  'Gone',
  'Invalid',
  'ServerTimeout',
  'StoreReadError',
  'Timeout',
  'TooManyRequests',
  'BadRequest',
  'MethodNotAllowed',
  'NotAcceptable',
  'RequestEntityTooLarge',
  'UnsupportedMediaType',
  'InternalError',
  'Expired',
  'ServiceUnavailable',
]);

/** Which request failed: the verb and the URL path, never the query string (it may carry secrets) nor headers. */
export interface FailedRequest {
  readonly verb: string;
  readonly path: string;
}

/**
 * A Kubernetes API error: the server's metav1.Status, or one built from the HTTP code when the body was not a Status
 * (client-go's NewGenericServerResponse).
 *
 * Guarantees: `status.code` and `statusCode` are the HTTP code; `reason` is the Status reason ('' when the server
 * gave none); the message is the server's message (a 401's followed by the server and the auth method that was
 * rejected) and never holds a credential, a header or a query string.
 */
export class StatusError extends KubeloopError<'STATUS'> {
  readonly code = 'STATUS' as const;
  /** The Status as the server sent it (with `code` filled in from the HTTP status when absent). */
  readonly status: Status;
  readonly statusCode: number;
  readonly reason: StatusReason;
  /** The request verb (GET, POST, …). */
  readonly verb: string;
  /** The request's URL path without the query string. */
  readonly path: string;

  /** `detail`, when given, follows the server's message (e.g. which credential a 401 rejected). */
  constructor(status: Status, request: FailedRequest, detail?: string) {
    const message =
      status.message || `the server responded with ${status.code ?? 'an error'} to ${request.verb} ${request.path}`;
    super(detail ? `${message}: ${detail}` : message);
    this.status = status;
    this.statusCode = status.code ?? 0;
    this.reason = status.reason ?? '';
    this.verb = request.verb;
    this.path = request.path;
  }

  /** The Status details: which object, the causes, the Retry-After seconds. */
  get details(): StatusDetails | undefined {
    return this.status.details;
  }

  /** The field-level causes (e.g. of an Invalid error); empty when the server gave none. */
  get causes(): readonly StatusCause[] {
    return this.status.details?.causes ?? [];
  }

  /** How long the server asked us to wait before retrying, if it did. */
  get retryAfterSeconds(): number | undefined {
    return this.status.details?.retryAfterSeconds;
  }
}

/** The HTTP codes client-go maps to a reason when the body is not a Status (SEMANTICS F). */
const reasonByCode: ReadonlyMap<number, { reason: KnownStatusReason; message: string }> = new Map([
  [404, { reason: 'NotFound', message: 'the server could not find the requested resource' }],
  [400, { reason: 'BadRequest', message: 'the server rejected our request for an unknown reason' }],
  [401, { reason: 'Unauthorized', message: 'the server has asked for the client to provide credentials' }],
  [403, { reason: 'Forbidden', message: 'the server does not allow access to the requested resource' }],
  [405, { reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' }],
  [
    406,
    { reason: 'NotAcceptable', message: 'the server was unable to respond with a content type the client supports' },
  ],
  [415, { reason: 'UnsupportedMediaType', message: 'the server does not support the requested media type' }],
  [422, { reason: 'Invalid', message: 'the server rejected our request due to an error in our request' }],
  [
    429,
    {
      reason: 'TooManyRequests',
      message: 'the server has received too many requests and has asked us to try again later',
    },
  ],
  [503, { reason: 'ServiceUnavailable', message: 'the server is currently unable to handle the request' }],
  [504, { reason: 'Timeout', message: 'the server was unable to return a response in the time allotted' }],
]);

/** The most of a non-Status body quoted in a 5xx message. */
const maxQuotedBody = 256;

/**
 * Builds the Status client-go would for a non-Status error body: the reason from the HTTP code (409 is
 * AlreadyExists for POST, else Conflict), the Retry-After seconds in the details.
 */
export function genericStatus(statusCode: number, verb: string, bodyText: string, retryAfter?: number): Status {
  let reason: StatusReason = '';
  let message = `the server responded with the status code ${statusCode} but did not return more information`;
  const known = reasonByCode.get(statusCode);
  if (statusCode === 409) {
    reason = verb === 'POST' ? 'AlreadyExists' : 'Conflict';
    message = 'the server reported a conflict';
  } else if (known) {
    ({ reason, message } = known);
  } else if (statusCode >= 500) {
    reason = 'InternalError';
    const quoted = bodyText.trim().slice(0, maxQuotedBody);
    message = `an error on the server (${JSON.stringify(quoted || 'unknown')}) has prevented the request from succeeding`;
  }
  const details: StatusDetails | undefined = retryAfter === undefined ? undefined : { retryAfterSeconds: retryAfter };
  return {
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code: statusCode,
    reason,
    message,
    ...(details ? { details } : {}),
  };
}

/** Whether a parsed JSON value is a metav1.Status. */
export function isStatus(value: unknown): value is Status {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status';
}

/**
 * Returns the StatusError a failed response stands for, decoding the body as a Status when it is one; `detail`
 * follows the server's message.
 */
export function statusErrorFromResponse(
  statusCode: number,
  body: Uint8Array,
  request: FailedRequest,
  retryAfter?: number,
  detail?: string,
): StatusError {
  const text = new TextDecoder().decode(body);
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isStatus(parsed) && parsed.status !== 'Success') {
    return new StatusError(parsed.code ? parsed : { ...parsed, code: statusCode }, request, detail);
  }
  return new StatusError(genericStatus(statusCode, request.verb, text, retryAfter), request, detail);
}

/** The reason and code of the first StatusError in the error's cause chain (apimachinery uses errors.As). */
function reasonAndCode(error: unknown): { reason: string; code: number } {
  for (let current = error, depth = 0; current instanceof Error && depth < 8; depth++) {
    if (current instanceof StatusError) return { reason: current.reason, code: current.statusCode };
    current = current.cause;
  }
  return { reason: '', code: 0 };
}

/** A predicate matching a reason, and (where apimachinery does) the HTTP code when the reason is unknown. */
function byReason(reason: KnownStatusReason, fallbackCode?: number): (error: unknown) => boolean {
  return (error) => {
    const actual = reasonAndCode(error);
    if (actual.reason === reason) return true;
    return fallbackCode !== undefined && !knownReasons.has(actual.reason) && actual.code === fallbackCode;
  };
}

/** The reason of a StatusError, '' for anything else (apimachinery's ReasonForError). */
export function reasonForError(error: unknown): StatusReason {
  return reasonAndCode(error).reason;
}

/** The object does not exist: reason NotFound, or an unknown reason with code 404. */
export const isNotFound: (error: unknown) => boolean = byReason('NotFound', 404);
/** A create found the object already there: reason AlreadyExists only. */
export const isAlreadyExists: (error: unknown) => boolean = byReason('AlreadyExists');
/** A write lost an optimistic-concurrency race: reason Conflict, or an unknown reason with code 409. */
export const isConflict: (error: unknown) => boolean = byReason('Conflict', 409);
/** The object failed validation: reason Invalid, or an unknown reason with code 422. */
export const isInvalid: (error: unknown) => boolean = byReason('Invalid', 422);
/** The user may not do this: reason Forbidden, or an unknown reason with code 403. */
export const isForbidden: (error: unknown) => boolean = byReason('Forbidden', 403);
/** The credentials were missing or rejected: reason Unauthorized, or an unknown reason with code 401. */
export const isUnauthorized: (error: unknown) => boolean = byReason('Unauthorized', 401);
/** The resource version is too old (watch/list continue): reason Expired only. */
export const isResourceExpired: (error: unknown) => boolean = byReason('Expired');
/** The resource version is gone from history: reason Gone, or an unknown reason with code 410. */
export const isGone: (error: unknown) => boolean = byReason('Gone', 410);
/** The request timed out at the server or a gateway: reason Timeout, or an unknown reason with code 504. */
export const isTimeout: (error: unknown) => boolean = byReason('Timeout', 504);
/** The server could not finish in time and asks for a retry: reason ServerTimeout only. */
export const isServerTimeout: (error: unknown) => boolean = byReason('ServerTimeout');
/** The request was malformed: reason BadRequest, or an unknown reason with code 400. */
export const isBadRequest: (error: unknown) => boolean = byReason('BadRequest', 400);
/** The server failed: reason InternalError, or an unknown reason with code 500. */
export const isInternalError: (error: unknown) => boolean = byReason('InternalError', 500);
/** The server is unavailable: reason ServiceUnavailable, or an unknown reason with code 503. */
export const isServiceUnavailable: (error: unknown) => boolean = byReason('ServiceUnavailable', 503);

/**
 * The server throttled us: reason TooManyRequests, or code 429 whatever the reason (apimachinery checks this code
 * unconditionally, for backward compatibility).
 */
export function isTooManyRequests(error: unknown): boolean {
  const actual = reasonAndCode(error);
  return actual.reason === 'TooManyRequests' || actual.code === 429;
}
