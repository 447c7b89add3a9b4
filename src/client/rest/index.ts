/** Exports the RESTClient, its request builder, watch stream, errors and transport pieces. */
export type { Clock } from './clock.js';
export { systemClock } from './clock.js';
export type { ExecClusterInfo, ImpersonationConfig, RestConfig, RestConfigSource } from './config.js';
export {
  InvalidRequestError,
  RequestTimeoutError,
  ResponseDecodeError,
  RestConfigError,
  TransportError,
  WatchDecodeError,
  WatchIdleTimeoutError,
} from './errors.js';
export { defaultBurst, defaultQps, type RateLimiter, TokenBucketRateLimiter } from './rate-limiter.js';
export { type PatchType, patchContentTypes, type RawResponse, Request } from './request.js';
export type { ResponseHeaders } from './request-executor.js';
export type { ObservedAttempt, ObservedRequest, ObservedWrite, RequestObserver } from './request-observer.js';
export { RESTClient, type RESTClientOptions } from './rest-client.js';
export {
  type FailedRequest,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInternalError,
  isInvalid,
  isNotFound,
  isResourceExpired,
  isServerTimeout,
  isServiceUnavailable,
  isTimeout,
  isTooManyRequests,
  isUnauthorized,
  type KnownStatusReason,
  reasonForError,
  StatusError,
  type StatusReason,
} from './status-error.js';
export {
  defaultTransportCache,
  type Transport,
  TransportCache,
  type TransportCacheOptions,
  type TransportIdentity,
} from './transport.js';
export { defaultUserAgent } from './user-agent.js';
export { createDedupingWarningLogger, parseWarningHeaders, type Warning, type WarningHandler } from './warnings.js';
export { defaultWatchIdleTimeoutMs, type WatchOptions, type WatchStream } from './watch.js';
export { defaultMaxWatchFrameBytes, WatchFrameTooLargeError } from './watch-frame.js';
