/** Declares the hooks a RESTClient calls as requests run: for metrics, and for tracking the writes it made. */

/** Identifies a request in metrics: its verb and the apiserver's `host:port` (never a path: too many values). */
export interface ObservedRequest {
  /** `GET`, `POST`, `PUT`, `PATCH` or `DELETE`. */
  readonly verb: string;
  /** The apiserver's `host:port`. */
  readonly host: string;
}

/** One round trip's result: the HTTP status code as text, or `'<error>'` when no response came (client-go's). */
export interface ObservedAttempt extends ObservedRequest {
  readonly code: string;
}

/**
 * A successful write through `Request.do()` (POST, PUT, PATCH, DELETE on a named resource or a collection), with
 * the object the server answered.
 */
export interface ObservedWrite {
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  /** The resource, e.g. `configmaps`. */
  readonly resource: string;
  /** `''` for the object itself, else e.g. `status` or `scale`. */
  readonly subresource: string;
  /** `''` for a cluster-scoped resource. */
  readonly namespace: string;
  /** The name in the URL; `''` for a create (the answered object names it). */
  readonly name: string;
  /** The parsed response body: the written object, or a Status (e.g. of a delete). Shared: do not mutate. */
  readonly response: unknown;
}

/**
 * Hooks a RESTClient calls while it runs requests; every hook is optional.
 *
 * Guarantees: hooks are called synchronously, in the order of the events they report, on the caller's async
 * context (so AsyncLocalStorage stores of the caller are visible in `onWrite`); a hook that throws is not caught,
 * so hooks must not throw. Per logical request: one `onRateLimited` and one `onAttempt` per round trip, one
 * `onRetry` before each retry, one `onDone` at the end (success or failure); `onWrite` after a 2xx write was parsed.
 */
export interface RequestObserver {
  /** The rate limiter made a round trip wait `seconds` (0 when it did not wait). */
  onRateLimited?(request: ObservedRequest, seconds: number): void;
  /** A round trip ended with a response (any status) or without one. */
  onAttempt?(attempt: ObservedAttempt): void;
  /** A round trip that ended with `attempt.code` is about to be retried. */
  onRetry?(attempt: ObservedAttempt): void;
  /** The logical request ended after `seconds`, retries and waits included. */
  onDone?(request: ObservedRequest, seconds: number): void;
  /** A write succeeded. */
  onWrite?(write: ObservedWrite): void;
}
