/** Declares unstructured objects: any Kubernetes object as plain JSON, for clients that know no schema. */
import type { KubeList, KubeObject } from '../meta.js';

/**
 * Any object, e.g. a custom resource: `apiVersion`, `kind` and `metadata` typed, every other field `unknown` until
 * the caller narrows it.
 *
 * Guarantees: plain JSON exactly as the server sent it (timestamps stay strings); the same shape from get, list and
 * watch.
 */
export interface Unstructured extends KubeObject {
  readonly [field: string]: unknown;
}

/** A list of unstructured objects, as list and deleteCollection return it. */
export interface UnstructuredList extends KubeList<Unstructured> {
  readonly [field: string]: unknown;
}
