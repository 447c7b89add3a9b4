/** Declares the deltas a DeltaFIFO records: what happened to an object, in order. */
import type { DeletedFinalStateUnknown } from './tombstone.js';

/** What happened: a watch event (Added/Updated/Deleted), a relist (Replaced) or a resync (Sync). */
export type DeltaType = 'Added' | 'Updated' | 'Deleted' | 'Replaced' | 'Sync';

/** One change to one object; `Deleted` deltas may carry a tombstone instead of the object. */
export interface Delta<T> {
  readonly type: DeltaType;
  readonly object: T | DeletedFinalStateUnknown<T>;
}

/** The deltas of one key, oldest first; never empty. */
export type Deltas<T> = readonly Delta<T>[];

/** The newest delta of a non-empty list. */
export const newest = <T>(deltas: Deltas<T>): Delta<T> => deltas[deltas.length - 1] as Delta<T>;
