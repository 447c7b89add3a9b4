/** Re-exports the kubeconfig, in-cluster and inferred-config loaders and their types. */

export type { KubeConfigErrorCode, KubeConfigErrorLocation } from './errors.js';
export { InClusterConfigError, InferConfigError, KubeConfigError } from './errors.js';
export type { InClusterConfigOptions } from './in-cluster.js';
export { inClusterConfig } from './in-cluster.js';
export type { InferConfigOptions } from './infer.js';
export { inferConfig } from './infer.js';
export type {
  AuthInfo,
  Cluster,
  Context,
  ExecConfig,
  KubeConfigFile,
  NamedAuthInfo,
  NamedCluster,
  NamedContext,
  NamedExtension,
} from './kubeconfig-file.js';
export type { LoadKubeConfigOptions } from './loader.js';
export { loadKubeConfig } from './loader.js';
export type { KubeConfigOrigins, LoadedKubeConfig } from './merge.js';
export type { KubeConfigOverrides } from './rest-config.js';
export { restConfigFromKubeConfig } from './rest-config.js';
export { kubeConfigView } from './view.js';
