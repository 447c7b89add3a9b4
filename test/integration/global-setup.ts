// Starts the one control plane the integration suite shares; each test works in a namespace of its own.
import type { TestProject } from 'vitest/node';
import { startControlPlane } from '../../src/testing/index.js';

/** What the integration tests learn of the shared control plane through `inject('controlPlane')`. */
export interface SharedControlPlane {
  readonly server: string;
  readonly kubeconfigPath: string;
  readonly adminContext: string;
  readonly userContext: string;
  readonly etcdEndpoint: string;
  readonly kubectl: string;
  readonly kubernetesVersion: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    controlPlane: SharedControlPlane;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const plane = await startControlPlane({
    // Off for configmaps so the apiserver reads etcd directly and a compaction yields 410 Gone (the relist tests).
    apiServerFlags: ['--watch-cache-sizes=configmaps#0', '--etcd-compaction-interval=0'],
  });
  project.provide('controlPlane', {
    server: plane.server,
    kubeconfigPath: plane.kubeconfigPath,
    adminContext: plane.adminContext,
    userContext: plane.userContext,
    etcdEndpoint: plane.etcdEndpoint,
    kubectl: plane.binaries.kubectl,
    kubernetesVersion: plane.versions.kubernetes,
  });
  return () => plane.stop();
}
