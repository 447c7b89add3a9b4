/** Answers get and list queries from an informer's indexer, never from the network (client-go's listers). */
import type { KubeObject } from '../client/meta.js';
import { type Indexer, namespaceIndex } from './indexer.js';
import type { LabelSelector } from './label-selector.js';
import { parseSelector } from './label-selector-parser.js';

/** A parsed selector, or a string in the Kubernetes label selector syntax (`app=web,tier notin (db)`). */
export type SelectorInput = LabelSelector | string;

/**
 * Reads the objects of one namespace.
 *
 * @typeParam T - the cached object type.
 */
export interface NamespaceLister<T> {
  /** The objects of this namespace whose labels match `selector` (all when absent or empty). */
  list(selector?: SelectorInput): Readonly<T>[];
  /** The object named `name` in this namespace, or `undefined` (client-go returns a NotFound error instead). */
  get(name: string): Readonly<T> | undefined;
}

/**
 * Reads a cache by label selector and namespace.
 *
 * Guarantees: every answer comes from the indexer as it is at the call, without I/O; results are new arrays of the
 * cached objects themselves (shared, `Readonly`: `structuredClone` one before changing it); objects are never
 * copied; a namespace list goes through the namespace index when the indexer has one (informers always do). A
 * string selector that does not parse throws `SelectorError`.
 *
 * @typeParam T - the cached object type.
 */
export interface Lister<T> {
  /** Every cached object whose labels match `selector` (all when absent or empty), across namespaces. */
  list(selector?: SelectorInput): Readonly<T>[];
  /** A cluster-scoped object by name, or `undefined`. */
  get(name: string): Readonly<T> | undefined;
  /** The objects of one namespace. */
  namespace(namespace: string): NamespaceLister<T>;
}

/** Creates a {@link Lister} over `indexer` (e.g. `informer.getIndexer()`). */
export function newLister<T extends KubeObject>(indexer: Indexer<T>): Lister<T> {
  return {
    list: (selector) => filter(indexer.values(), selector),
    get: (name) => indexer.getByKey(name),
    namespace: (namespace) => ({
      list: (selector) => {
        if (namespaceIndex in indexer.getIndexers()) {
          return filter(indexer.byIndex(namespaceIndex, namespace), selector);
        }
        return filter(indexer.values(), selector, namespace);
      },
      get: (name) => indexer.getByKey(namespace ? `${namespace}/${name}` : name),
    }),
  };
}

function filter<T extends KubeObject>(
  objects: Iterable<Readonly<T>>,
  input: SelectorInput | undefined,
  namespace?: string,
): Readonly<T>[] {
  const selector = typeof input === 'string' ? parseSelector(input) : input;
  const all = selector === undefined || selector.isEmpty();
  if (all && namespace === undefined && Array.isArray(objects)) return objects as Readonly<T>[];
  const out: Readonly<T>[] = [];
  for (const obj of objects) {
    if (namespace !== undefined && (obj.metadata?.namespace ?? '') !== namespace) continue;
    if (all || selector.matches(obj.metadata?.labels)) out.push(obj);
  }
  return out;
}
