/** Runs a real local Kubernetes control plane (etcd + kube-apiserver), or a whole cluster, for tests, demos and benchmarks. @module kubeloop/testing */
// First: fails clearly on an unsupported Node.js before any dependency loads.
import '../runtime-check.js';

export {
  type ClusterBinaries,
  type ControlPlaneBinaries,
  resolveBinaries,
  resolveClusterBinaries,
} from './binaries.js';
export type { ClusterOptions, LocalCluster } from './cluster/start.js';
export { type ControlPlane, type ControlPlaneOptions, startControlPlane } from './control-plane.js';
export {
  type CRDOptions,
  CRDRejectedError,
  CRDTimeoutError,
  installCRDs,
  uninstallCRDs,
} from './crds.js';
export {
  createFakeApiServer,
  type FakeApiServer,
  type FakeApiServerOptions,
  FakeApiServerOptionsError,
} from './fake/fake-api-server.js';
export type { FailureFault, FakeFaults, FakeVerb } from './fake/faults.js';
