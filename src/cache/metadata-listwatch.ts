/** Lists and watches only the metadata of a resource (PartialObjectMetadata), chosen by the Accept header. */
import type { GroupVersionResource, KubeList, KubeObject, ObjectMeta } from '../client/meta.js';
import type { Request } from '../client/rest/request.js';
import type { RESTClient } from '../client/rest/rest-client.js';
import type { SelectorOptions } from '../client/typed/options.js';
import { listParams, type QueryParams, watchParams } from '../client/typed/query.js';
import type { ListerWatcher } from './listwatch.js';

/** An object reduced to its type and metadata (meta.k8s.io/v1 PartialObjectMetadata). */
export interface PartialObjectMetadata extends KubeObject {
  readonly apiVersion: 'meta.k8s.io/v1';
  readonly kind: 'PartialObjectMetadata';
  readonly metadata: ObjectMeta;
}

/** Options of {@link metadataListWatch}. */
export interface MetadataListWatchOptions extends SelectorOptions {
  /** One namespace; absent lists and watches across all namespaces (or a cluster-scoped resource). */
  readonly namespace?: string;
}

// The plain `application/json` fallback lets a server (or aggregated API) without the conversion still answer.
const listAccept = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const watchAccept = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

/**
 * Returns a ListerWatcher that receives only metadata: lists come back as PartialObjectMetadataList and watch
 * events carry PartialObjectMetadata (the metadata informer's source, client-go's metadata client).
 *
 * Guarantees: objects hold `apiVersion`, `kind` and `metadata` only (managedFields included, as the server sends
 * them); one request per call through the given RESTClient.
 */
export function metadataListWatch(
  rest: RESTClient,
  gvr: GroupVersionResource,
  options: MetadataListWatchOptions = {},
): ListerWatcher<PartialObjectMetadata> {
  const selectors = {
    ...(options.labelSelector ? { labelSelector: options.labelSelector } : {}),
    ...(options.fieldSelector ? { fieldSelector: options.fieldSelector } : {}),
  };
  const at = (params: QueryParams, accept: string, signal: AbortSignal | undefined): Request => {
    const request = rest.get().groupVersion(gvr).namespace(options.namespace).resource(gvr.resource);
    for (const [key, value] of Object.entries(params)) request.param(key, value);
    if (signal) request.signal(signal);
    return request.setHeader('accept', accept);
  };
  return {
    list: (list) =>
      at(listParams({ ...list, ...selectors }), listAccept, list.signal).do<KubeList<PartialObjectMetadata>>(),
    watch: (watch) =>
      at(watchParams({ ...watch, ...selectors }), watchAccept, watch.signal).watch<PartialObjectMetadata>(
        watch.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: watch.idleTimeoutMs },
      ),
  };
}
