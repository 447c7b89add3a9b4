/** Defines the errors the RESTClient throws besides StatusError: transport, timeout, decoding and watch failures. */
import { KubeloopError } from '../../errors.js';

/**
 * The request never got a complete response: connection refused or reset, TLS failure, socket closed early.
 * Retryable with backoff; `cause` holds undici's error. A TLS verification failure's message names the server and
 * the kubeconfig cluster and says what to change (`explanation` replaces the cause's message then).
 */
export class TransportError extends KubeloopError<'TRANSPORT'> {
  readonly code = 'TRANSPORT' as const;
  constructor(
    readonly verb: string,
    readonly path: string,
    cause: unknown,
    explanation?: string,
  ) {
    super(`${verb} ${path} failed: ${explanation ?? (cause instanceof Error ? cause.message : String(cause))}`, {
      cause,
    });
  }
}

/** The request's timeout (`Request.timeout()` or `RestConfig.timeoutMs`) passed before it completed. */
export class RequestTimeoutError extends KubeloopError<'REQUEST_TIMEOUT'> {
  readonly code = 'REQUEST_TIMEOUT' as const;
  constructor(
    readonly verb: string,
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`${verb} ${path} did not complete within ${timeoutMs} ms`);
  }
}

/** A successful response whose body is not the JSON expected. The message never quotes the body. */
export class ResponseDecodeError extends KubeloopError<'RESPONSE_DECODE'> {
  readonly code = 'RESPONSE_DECODE' as const;
  constructor(
    readonly verb: string,
    readonly path: string,
    detail: string,
  ) {
    super(`${verb} ${path}: ${detail}`);
  }
}

/** A RestConfig the client cannot use (e.g. a host that is not a URL). Names the field, never a credential. */
export class RestConfigError extends KubeloopError<'REST_CONFIG'> {
  readonly code = 'REST_CONFIG' as const;
}

/** The builder was given something no request can carry (an empty or path-like name, no group/version). */
export class InvalidRequestError extends KubeloopError<'INVALID_REQUEST'> {
  readonly code = 'INVALID_REQUEST' as const;
}

/**
 * No byte arrived on a watch for `idleTimeoutMs`: the connection is presumed dead and was aborted. Restart the watch
 * from the last resourceVersion seen.
 */
export class WatchIdleTimeoutError extends KubeloopError<'WATCH_IDLE_TIMEOUT'> {
  readonly code = 'WATCH_IDLE_TIMEOUT' as const;
  constructor(
    readonly path: string,
    readonly idleTimeoutMs: number,
  ) {
    super(`watch ${path} received nothing for ${idleTimeoutMs} ms; aborted`);
  }
}

/**
 * A watch stream carried a line that is not a watch event. The stream is closed; restart the watch. The message
 * gives the position, never the content (events may hold Secrets).
 */
export class WatchDecodeError extends KubeloopError<'WATCH_DECODE'> {
  readonly code = 'WATCH_DECODE' as const;
  constructor(
    readonly path: string,
    readonly eventIndex: number,
    detail: string,
  ) {
    super(`watch ${path}: event ${eventIndex} ${detail}`);
  }
}
