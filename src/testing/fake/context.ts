/** Declares the state every part of the fake API server shares: store, registry, clock, faults and hooks. */
import type { Registry, ResourceType } from './registry.js';
import type { Change, Obj, Store } from './store.js';

/** Faults a test armed; consumed by the request path. */
export interface FaultState {
  /** Added before every answer, ms. */
  latencyMs: number;
  /** The next `count` requests matching `verbs` (all when empty) fail with this code. */
  failures: { count: number; code: number; retryAfterSeconds?: number; verbs: ReadonlySet<string> }[];
  /** The next N writes (create/update/patch/delete) fail with 409 Conflict. */
  conflicts: number;
}

/** Runs after each commit, in commit order: CRD establishment, namespace and garbage collection. */
export type CommitHook = (type: ResourceType, change: Change) => void;

/** Checks (and may default, in place) an object about to be stored; throws a Status failure to refuse it. */
export type Validator = (type: ResourceType, object: Obj, old: Obj | undefined) => void;

/** The shared state of one fake API server. */
export interface ServerContext {
  readonly store: Store;
  readonly registry: Registry;
  readonly now: () => Date;
  readonly faults: FaultState;
  readonly hooks: CommitHook[];
  readonly validators: Validator[];
  /** Pending background work (garbage collection, namespace cleanup), awaited by `settle()`. */
  readonly background: Set<Promise<void>>;
}

/** Commits a change to the store and runs the hooks. */
export function commit(context: ServerContext, type: ResourceType, change: Change): void {
  context.store.commit(type.storageKey, change);
  for (const hook of context.hooks) hook(type, change);
}

/** Runs `work` after the current request finishes, tracked so tests can wait for it. */
export function inBackground(context: ServerContext, work: () => void): void {
  const task = new Promise<void>((resolve) => setImmediate(resolve)).then(work);
  context.background.add(task);
  void task.finally(() => context.background.delete(task));
}
