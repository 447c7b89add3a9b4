/** Exports the generic typed resource client the generated clientset is built on, with its options. */
export type { ApplyConfiguration } from './apply-configuration.js';
export { type ApiVersionKind, KindMismatchError, MissingNameError } from './errors.js';
export type {
  ApplyOptions,
  CallOptions,
  CreateOptions,
  DeleteCollectionOptions,
  DeleteOptions,
  GetOptions,
  ListOptions,
  PatchOptions,
  PodLogOptions,
  Preconditions,
  SelectorOptions,
  UpdateOptions,
  WatchOptions,
  WriteOptions,
} from './options.js';
export { type PatchFormat, ResourceClient, type ResourceDescriptor, type Target } from './resource-client.js';
