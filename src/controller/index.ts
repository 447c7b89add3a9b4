/** Exports the controller runtime: workqueues, controllers, the builder, the manager, leader election and helpers. @module kubeloop/controller */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import '../runtime-check.js';

export type { BuilderControllerOptions, ControllerManagerLike, OwnsOptions, SourceOptions } from './builder.js';
export { ControllerBuilder, newControllerManagedBy } from './builder.js';
export type { ConditionStatus, NewCondition, SetStatusConditionOptions } from './conditions.js';
export {
  findStatusCondition,
  isStatusConditionFalse,
  isStatusConditionPresentAndEqual,
  isStatusConditionTrue,
  removeStatusCondition,
  setStatusCondition,
} from './conditions.js';
export type { ControllerOptions, ControllerStartOptions, ControllerStats } from './controller.js';
export { Controller } from './controller.js';
export {
  ControllerOptionsError,
  ControllerShutdownError,
  ControllerStateError,
  ReconcileTimeoutError,
} from './controller-errors.js';
export type { ControllerMetrics, ReconcileOutcome } from './controller-metrics.js';
export { newControllerMetrics, workqueueMetricsProviderFor } from './controller-metrics.js';
export type {
  CreateOrPatchClient,
  CreateOrUpdateClient,
  CreateOrUpdateResult,
  MutateFn,
  OperationResult,
} from './create-or-update.js';
export { createOrPatch, createOrUpdate, MutateChangedKeyError } from './create-or-update.js';
export type { MapFunc, OwnerType } from './enqueue-handlers.js';
export { controllerOwnerRequest, enqueueHandler, ownRequest } from './enqueue-handlers.js';
export type { EventOptions, EventRecorder, EventRecorderOptions, EventSubject, EventsClient } from './events/index.js';
export { maxNoteBytes, newEventRecorder, seriesWindowMs } from './events/index.js';
export type { FinalizerClient, FinalizerResult, ReconcileFinalizerOptions } from './finalizers.js';
export { addFinalizer, hasFinalizer, reconcileFinalizer, removeFinalizer } from './finalizers.js';
export type { HealthCheck, ProbeResult } from './health-checks.js';
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
export type { ManagedController, ManagedInformer } from './manager.js';
export { Manager, newManager } from './manager.js';
export { ManagerError, ManagerOptionsError, ManagerStateError } from './manager-errors.js';
export type {
  HealthProbeOptions,
  ManagerLeaderElectionOptions,
  ManagerOptions,
  ReadYourWritesOptions,
} from './manager-options.js';
export {
  AlreadyOwnedError,
  getControllerOf,
  InvalidOwnerError,
  isControlledBy,
  newControllerRef,
  setControllerReference,
  setOwnerReference,
} from './owner-references.js';
export type { Predicate } from './predicates.js';
export {
  and,
  annotationChanged,
  generationChanged,
  labelChanged,
  not,
  or,
  resourceVersionChanged,
} from './predicates.js';
export type {
  ObservedInformer,
  PendingWrite,
  ReadYourWritesGate,
  ReadYourWritesTrackerOptions,
  TrackedReconcile,
} from './read-your-writes/read-your-writes.js';
export { ReadYourWrites } from './read-your-writes/read-your-writes.js';
export type { ReconcileContext, ReconcileResult, Reconciler, Request } from './reconciler.js';
export { requestFromKey, requestKey, TerminalError } from './reconciler.js';
export { restClientMetricsObserver } from './rest-client-metrics.js';
export type { RetryBackoff, RetryOptions } from './retry-on-conflict.js';
export {
  BackoffOptionsError,
  defaultBackoff,
  defaultRetry,
  onError,
  retryOnConflict,
} from './retry-on-conflict.js';
export type { Runnable } from './runnable.js';
export { RunnableError } from './runnable.js';
export type {
  CurrentPlacement,
  Placement,
  ShardDrainerOptions,
  ShardedResource,
  SharderOptions,
  ShardingOptions,
  ShardingWebhookOptions,
  ShardState,
  ShardStatus,
} from './sharding/index.js';
export {
  currentPlacement,
  defaultVirtualNodes,
  drainingSelector,
  drainLabel,
  HashRing,
  hashKey,
  isAvailable,
  orphanTtlMs,
  ownedSelector,
  placeOwned,
  placePrimary,
  ringKey,
  ringLabel,
  ShardDrainer,
  Sharder,
  ShardingOptionsError,
  shardingWebhook,
  shardLabel,
  shardStatus,
} from './sharding/index.js';
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
