// Finds a cluster for the demo: the current kubeconfig context if its apiserver answers, else a whole local cluster.
import { inferConfig, loadKubeConfig, RESTClient, type RestConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import { startControlPlane } from 'kubeloop/testing';

/** A cluster the demo can use, and how to let go of it. */
export interface DemoCluster {
  readonly config: RestConfig;
  /** For humans: where the demo runs. */
  readonly description: string;
  /**
   * Whether the demo started it (then `stop` ends it). Only there does the demo create anything: on a cluster it
   * found, it only watches.
   */
  readonly local: boolean;
  stop(): Promise<void>;
}

/** Long enough for a healthy apiserver across a network, short enough that a missing one does not stall the demo. */
const probeTimeoutMs = 3000;

async function currentContext(): Promise<RestConfig | undefined> {
  try {
    const config = await inferConfig();
    await RESTClient.forConfig(config).get().absPath('/version').timeout(probeTimeoutMs).do();
    return config;
  } catch {
    return undefined;
  }
}

/** The current context when a cluster answers there; otherwise starts one (building it on first use). */
export async function findOrStartCluster(say: (line: string) => void): Promise<DemoCluster> {
  const current = await currentContext();
  if (current) {
    return { config: current, description: `current context (${current.host})`, local: false, stop: async () => {} };
  }
  say('No cluster answers at the current kubeconfig context; starting a local cluster: etcd, kube-apiserver,');
  say('kube-controller-manager, kube-scheduler and three nodes simulated by kwok (no containers run).');
  say('The first run builds them from source, which takes several minutes; its progress follows on stderr.');
  const plane = await startControlPlane({ cluster: { nodes: 3 } });
  const kubeconfig = await loadKubeConfig({ paths: [plane.kubeconfigPath] });
  const config = restConfigFromKubeConfig(kubeconfig, { context: plane.adminContext });
  return {
    config,
    description: `local cluster ${plane.server} (Kubernetes ${plane.versions.kubernetes}, 3 kwok nodes)`,
    local: true,
    stop: () => plane.stop(),
  };
}
