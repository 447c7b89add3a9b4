/** Reaches any resource by group/version/resource on unstructured objects (client-go's dynamic client). */
import type { GroupVersionResource } from '../meta.js';
import type { RestConfig } from '../rest/config.js';
import { RESTClient } from '../rest/rest-client.js';
import { DynamicResourceClient } from './dynamic-resource-client.js';

/**
 * The entry point of the dynamic client: pick a resource with `resource(gvr)`, then a namespace with
 * `.namespace(ns)` for namespaced resources.
 *
 * Guarantees: stateless and cheap: `resource()` builds a small handle on the shared RESTClient (its pool, rate
 * limiter and retries apply to every call); safe to share and to call concurrently.
 */
export class DynamicClient {
  readonly restClient: RESTClient;

  constructor(restClient: RESTClient) {
    this.restClient = restClient;
  }

  /** A DynamicClient on the shared RESTClient of `config`. */
  static forConfig(config: RestConfig): DynamicClient {
    return new DynamicClient(RESTClient.forConfig(config));
  }

  /**
   * The client of one resource: as is, it reaches a cluster-scoped resource (or every namespace of a namespaced one,
   * for list and watch); `.namespace(ns)` narrows it to one namespace.
   */
  resource(gvr: GroupVersionResource): DynamicResourceClient {
    return new DynamicResourceClient(this.restClient, gvr, undefined);
  }
}
