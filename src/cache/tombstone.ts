/** Marks an object deleted while the watch was down, whose final state the cache never saw. */

/**
 * Put in a DeltaFIFO's `Deleted` delta when a relist shows an object gone: `obj` is the last state the cache
 * knew, possibly stale. Event handlers' `onDelete` receives it as is; unwrap `obj` to read the object.
 *
 * @typeParam T - the cached object type.
 */
export class DeletedFinalStateUnknown<T> {
  constructor(
    /** The cache key of the vanished object. */
    readonly key: string,
    /** Its last known state. */
    readonly obj: T,
  ) {}
}
