// Starts the one whole cluster the cluster suite shares; each test works in a namespace of its own.
import type { TestProject } from 'vitest/node';
import { startControlPlane } from '../../src/testing/index.js';

/** What the cluster tests learn of the shared cluster through `inject('cluster')`. */
export interface SharedCluster {
  readonly kubeconfigPath: string;
  readonly adminContext: string;
  readonly kubectl: string;
  readonly nodes: readonly string[];
  readonly podLogFile: string;
  readonly execDir: string;
  /** The envtest-style variables naming every binary in use, so a child process needs no build. */
  readonly testAssets: Readonly<Record<string, string>>;
}

declare module 'vitest' {
  export interface ProvidedContext {
    cluster: SharedCluster;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const plane = await startControlPlane({ cluster: { nodes: 3 } });
  project.provide('cluster', {
    kubeconfigPath: plane.kubeconfigPath,
    adminContext: plane.adminContext,
    kubectl: plane.binaries.kubectl,
    nodes: plane.cluster.nodes,
    podLogFile: plane.cluster.podLogFile,
    execDir: plane.cluster.execDir,
    testAssets: {
      TEST_ASSET_KUBE_APISERVER: plane.binaries.kubeApiserver,
      TEST_ASSET_ETCD: plane.binaries.etcd,
      TEST_ASSET_KUBECTL: plane.binaries.kubectl,
      TEST_ASSET_KUBE_CONTROLLER_MANAGER: plane.cluster.binaries.kubeControllerManager,
      TEST_ASSET_KUBE_SCHEDULER: plane.cluster.binaries.kubeScheduler,
      TEST_ASSET_KWOK: plane.cluster.binaries.kwok,
      TEST_ASSET_KWOK_STAGES: plane.cluster.binaries.kwokStages,
    },
  });
  return () => plane.stop();
}
