/** Exports the dynamic client and unstructured objects. */
export { DynamicClient } from './dynamic-client.js';
export { DynamicResourceClient, type SubresourceOption } from './dynamic-resource-client.js';
export type { Unstructured, UnstructuredList } from './unstructured.js';
