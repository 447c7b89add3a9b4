/** Runs a real local Kubernetes control plane (etcd + kube-apiserver) for tests, demos and benchmarks. */
export { type ControlPlaneBinaries, resolveBinaries } from './binaries.js';
export { type ControlPlane, type ControlPlaneOptions, startControlPlane } from './control-plane.js';
export {
  type CRDOptions,
  CRDRejectedError,
  CRDTimeoutError,
  installCRDs,
  uninstallCRDs,
} from './crds.js';
