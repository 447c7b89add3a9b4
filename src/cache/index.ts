/** Exports the cache: Reflector, DeltaFIFO, indexed stores, informers, listers and label selectors. @module kubeloop/cache */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import '../runtime-check.js';

export type { BackoffOptions } from './backoff.js';
export { Backoff } from './backoff.js';
export type { Delta, Deltas, DeltaType } from './delta.js';
export type { DeltaFIFOOptions, KnownObjects, PopProcessor } from './delta-fifo.js';
export { DeltaFIFO, FIFOClosedError, RequeueError } from './delta-fifo.js';
export type { HandlerResult, ResourceEventHandler } from './event-handler.js';
export { filteringResourceEventHandler } from './event-handler.js';
export { FakeClock } from './fake-clock.js';
export type { Indexer, Indexers, IndexFunc } from './indexer.js';
export { IndexError, metaNamespaceIndexFunc, namespaceIndex, newIndexer } from './indexer.js';
export type { InformerForOptions, SharedInformerFactory, SharedInformerFactoryOptions } from './informer-factory.js';
export { InformerFactoryOptionsError, newSharedInformerFactory } from './informer-factory.js';
export type { KeyFunc } from './keys.js';
export {
  deletionHandlingMetaNamespaceKeyFunc,
  KeyError,
  metaNamespaceKeyFunc,
  splitMetaNamespaceKey,
} from './keys.js';
export type { LabelSelector, Requirement, SelectorOperator } from './label-selector.js';
export {
  everything,
  newRequirement,
  SelectorError,
  selectorFromRequirements,
  selectorFromSet,
} from './label-selector.js';
export { parseSelector } from './label-selector-parser.js';
export type { Lister, NamespaceLister, SelectorInput } from './lister.js';
export { newLister } from './lister.js';
export type { ListerWatcher } from './listwatch.js';
export { listWatchFrom } from './listwatch.js';
export type { MetadataListWatchOptions, PartialObjectMetadata } from './metadata-listwatch.js';
export { metadataListWatch } from './metadata-listwatch.js';
export type { CacheState, InformerEvent } from './observable.js';
export { cacheState, informerEvents } from './observable.js';
export type { ReflectorOptions, ReflectorStore, WatchErrorHandler, WatchListMode } from './reflector.js';
export { defaultMinWatchTimeoutMs, Reflector } from './reflector.js';
export { defaultDeadWatchTimeoutMs, WatchStartTimeoutError } from './reflector-dead-watch.js';
export {
  isExpiredError,
  isListRefused,
  isTooLargeResourceVersionError,
  ListFailedError,
  VeryShortWatchError,
} from './reflector-errors.js';
export { defaultPageSize } from './reflector-list.js';
export { initialEventsEndAnnotation } from './reflector-watch.js';
export type {
  AddEventHandlerOptions,
  ResourceEventHandlerRegistration,
  SharedIndexInformer,
  SharedIndexInformerOptions,
} from './shared-index-informer.js';
export { InformerStateError, newSharedIndexInformer } from './shared-index-informer.js';
export { DeletedFinalStateUnknown } from './tombstone.js';
export { stripManagedFields } from './transform.js';
export type { ListRefusalSource } from './wait-for-cache-sync.js';
export { firstRefusedList, waitForCacheSync } from './wait-for-cache-sync.js';
