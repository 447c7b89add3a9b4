export type { EventOptions, EventRecorder, EventRecorderOptions, EventSubject, EventsClient } from './events/index.js';
export { maxNoteBytes, newEventRecorder, seriesWindowMs } from './events/index.js';
export type { FinalizerClient, FinalizerResult, ReconcileFinalizerOptions } from './finalizers.js';
export { addFinalizer, hasFinalizer, reconcileFinalizer, removeFinalizer } from './finalizers.js';
export type {
  LeaderCallbacks,
  LeaderElectionRecord,
  LeaderElectorOptions,
  LeaseClient,
  LeaseLockOptions,
  LeaseRequestOptions,
} from './leader-election/index.js';
export {
  formatMicroTime,
  LeaderElectionOptionsError,
  LeaderElector,
  LeaderElectorBusyError,
  LeadershipLostError,
  LeaseLock,
  LeaseNotReadError,
  runLeaderElection,
} from './leader-election/index.js';
export {
  AlreadyOwnedError,
  getControllerOf,
  InvalidOwnerError,
  isControlledBy,
  newControllerRef,
  setControllerReference,
  setOwnerReference,
} from './owner-references.js';
export type { RetryBackoff, RetryOptions } from './retry-on-conflict.js';
export {
  BackoffOptionsError,
  defaultBackoff,
  defaultRetry,
  onError,
  retryOnConflict,
} from './retry-on-conflict.js';
export type {
  BucketRateLimiterOptions,
  CounterMetric,
  DefaultControllerRateLimiterOptions,
  DelayingQueue,
  GaugeMetric,
  HistogramMetric,
  ItemExponentialFailureRateLimiterOptions,
  ItemFastSlowRateLimiterOptions,
  PrometheusMetricsProviderOptions,
  Queue,
  QueueGetResult,
  QueueOptions,
  RateLimitingQueue,
  RateLimitingQueueOptions,
  WithMaxWaitRateLimiterOptions,
  WorkqueueMetricsProvider,
  WorkqueueRateLimiter,
} from './workqueue/index.js';
export {
  defaultControllerRateLimiter,
  newBucketRateLimiter,
  newDelayingQueue,
  newItemExponentialFailureRateLimiter,
  newItemFastSlowRateLimiter,
  newMaxOfRateLimiter,
  newPrometheusMetricsProvider,
  newQueue,
  newRateLimitingQueue,
  newWithMaxWaitRateLimiter,
  WorkqueueOptionsError,
} from './workqueue/index.js';
