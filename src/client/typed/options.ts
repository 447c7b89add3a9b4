/** Declares the options of typed-client calls, mirroring metav1's ListOptions, GetOptions, CreateOptions and friends. */

/** What every call accepts: a signal that aborts it. */
export interface CallOptions {
  /** Aborts the request (and ends a watch or log stream). */
  readonly signal?: AbortSignal | undefined;
}

/** Options shared by writes (metav1 CreateOptions / UpdateOptions / PatchOptions). */
export interface WriteOptions extends CallOptions {
  /** Validate and admit, but persist nothing (metav1 `dryRun: ["All"]`). */
  readonly dryRun?: boolean | undefined;
  /** The field manager recorded in managedFields; required for apply. */
  readonly fieldManager?: string | undefined;
  /** What the server does with unknown or duplicate fields: `Ignore`, `Warn` (the server's default) or `Strict`. */
  readonly fieldValidation?: 'Ignore' | 'Warn' | 'Strict' | undefined;
}

/** metav1.GetOptions. */
export interface GetOptions extends CallOptions {
  /** `"0"` lets the apiserver answer from its watch cache; empty reads the latest from etcd. */
  readonly resourceVersion?: string | undefined;
}

/** The selection shared by list, watch and deleteCollection. */
export interface SelectorOptions {
  /** e.g. `app=web,tier!=db`. */
  readonly labelSelector?: string | undefined;
  /** e.g. `metadata.name=x,status.phase=Running`. */
  readonly fieldSelector?: string | undefined;
}

/** metav1.ListOptions for a list call. */
export interface ListOptions extends CallOptions, SelectorOptions {
  /** Page size; the returned list's `metadata.continue` fetches the next page. */
  readonly limit?: number | undefined;
  /** The token of the page to fetch, from the previous page's `metadata.continue`. */
  readonly continue?: string | undefined;
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: 'NotOlderThan' | 'Exact' | undefined;
  /** Server-side timeout of the call. */
  readonly timeoutSeconds?: number | undefined;
}

/** metav1.ListOptions for a watch call. */
export interface WatchOptions extends CallOptions, SelectorOptions {
  /** Events after this version; empty or absent starts with synthetic ADDED events for the current state. */
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: 'NotOlderThan' | 'Exact' | undefined;
  /** The server ends the watch after this many seconds (a healthy stream is never cut by the client). */
  readonly timeoutSeconds?: number | undefined;
  readonly allowWatchBookmarks?: boolean | undefined;
  /** Streams the current state first, ended by a bookmark annotated `k8s.io/initial-events-end`. */
  readonly sendInitialEvents?: boolean | undefined;
  /** Aborts the watch when no bytes arrive for this long (the RESTClient's read-idle watchdog). */
  readonly idleTimeoutMs?: number | undefined;
}

/** metav1.CreateOptions. */
export type CreateOptions = WriteOptions;

/** metav1.UpdateOptions. */
export type UpdateOptions = WriteOptions;

/** metav1.PatchOptions for JSON, merge and strategic merge patches. */
export type PatchOptions = WriteOptions;

/** metav1.PatchOptions for server-side apply: the field manager is required. */
export interface ApplyOptions extends Omit<WriteOptions, 'fieldManager'> {
  readonly fieldManager: string;
  /** Takes ownership of fields other managers own instead of failing with a conflict. */
  readonly force?: boolean | undefined;
}

/** metav1.Preconditions: the delete fails with a Conflict unless they hold. */
export interface Preconditions {
  readonly uid?: string | undefined;
  readonly resourceVersion?: string | undefined;
}

/** metav1.DeleteOptions. */
export interface DeleteOptions extends CallOptions {
  readonly dryRun?: boolean | undefined;
  /** Seconds before the object is deleted; 0 deletes at once. */
  readonly gracePeriodSeconds?: number | undefined;
  /** What happens to dependents: `Orphan`, `Background` (the usual default) or `Foreground`. */
  readonly propagationPolicy?: 'Orphan' | 'Background' | 'Foreground' | undefined;
  readonly preconditions?: Preconditions | undefined;
}

/** metav1.DeleteOptions plus the ListOptions that select what a deleteCollection removes. */
export interface DeleteCollectionOptions extends DeleteOptions, SelectorOptions {
  readonly resourceVersion?: string | undefined;
  readonly resourceVersionMatch?: 'NotOlderThan' | 'Exact' | undefined;
  readonly timeoutSeconds?: number | undefined;
}

/** corev1.PodLogOptions: which container's log, and how much of it. */
export interface PodLogOptions extends CallOptions {
  /** Required when the pod has more than one container. */
  readonly container?: string | undefined;
  /** Keeps the stream open and sends new lines as they are written. */
  readonly follow?: boolean | undefined;
  /** The log of the previous, terminated instance of the container. */
  readonly previous?: boolean | undefined;
  readonly sinceSeconds?: number | undefined;
  /** RFC 3339 time; only one of `sinceSeconds` and `sinceTime` may be set. */
  readonly sinceTime?: string | undefined;
  readonly tailLines?: number | undefined;
  /** Prefixes each line with its RFC 3339 timestamp. */
  readonly timestamps?: boolean | undefined;
  readonly limitBytes?: number | undefined;
}
