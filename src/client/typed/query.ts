/** Turns typed-client options into the query parameters and DeleteOptions body the apiserver reads. */
import type {
  ApplyOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  PodLogOptions,
  WatchOptions,
  WriteOptions,
} from './options.js';

/** Query parameters; `undefined` values are left out of the URL. */
export type QueryParams = Readonly<Record<string, string | number | boolean | undefined>>;

// metav1 accepts only "All" as a dry-run value.
const dryRun = (value: boolean | undefined): string | undefined => (value ? 'All' : undefined);

/** Returns the query of a get. */
export function getParams(options: GetOptions): QueryParams {
  return { resourceVersion: options.resourceVersion };
}

/** Returns the query of a list. */
export function listParams(options: ListOptions): QueryParams {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    limit: options.limit,
    continue: options.continue,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
    timeoutSeconds: options.timeoutSeconds,
  };
}

/** Returns the query of a watch (`Request.watch()` adds `watch=true`). */
export function watchParams(options: WatchOptions): QueryParams {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
    timeoutSeconds: options.timeoutSeconds,
    allowWatchBookmarks: options.allowWatchBookmarks,
    sendInitialEvents: options.sendInitialEvents,
  };
}

/** Returns the query of a create, update or patch. */
export function writeParams(options: WriteOptions): QueryParams {
  return {
    dryRun: dryRun(options.dryRun),
    fieldManager: options.fieldManager,
    fieldValidation: options.fieldValidation,
  };
}

/** Returns the query of a server-side apply. */
export function applyParams(options: ApplyOptions): QueryParams {
  return { ...writeParams(options), force: options.force };
}

/** Returns the query of a deleteCollection: which objects it selects. */
export function deleteCollectionParams(options: DeleteCollectionOptions): QueryParams {
  return {
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    resourceVersion: options.resourceVersion,
    resourceVersionMatch: options.resourceVersionMatch,
    timeoutSeconds: options.timeoutSeconds,
  };
}

/** Returns the metav1.DeleteOptions body of a delete, as client-go sends it. */
export function deleteBody(options: DeleteOptions): Record<string, unknown> {
  const body: Record<string, unknown> = { apiVersion: 'v1', kind: 'DeleteOptions' };
  if (options.dryRun) body.dryRun = ['All'];
  if (options.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = options.gracePeriodSeconds;
  if (options.propagationPolicy !== undefined) body.propagationPolicy = options.propagationPolicy;
  if (options.preconditions !== undefined) body.preconditions = options.preconditions;
  return body;
}

/** Returns the query of a pod log request. */
export function logParams(options: PodLogOptions): QueryParams {
  return {
    container: options.container,
    follow: options.follow,
    previous: options.previous,
    sinceSeconds: options.sinceSeconds,
    sinceTime: options.sinceTime,
    tailLines: options.tailLines,
    timestamps: options.timestamps,
    limitBytes: options.limitBytes,
  };
}
