/** Starts kube-controller-manager, kube-scheduler and kwok beside a running apiserver, and simulated nodes for kwok to play. */
import { join } from 'node:path';
import type { ClusterBinaries } from '../binaries.js';
import type { ControlPlanePki } from '../pki.js';
import { freePort } from '../ports.js';
import { type Guardian, type ManagedProcess, startProcess } from '../processes.js';
import { controllerManagerArgs, kwokArgs, schedulerArgs } from './components.js';
import { type Component, writeComponentFiles } from './credentials.js';
import { appendCriLog, writeKwokFiles } from './kwok-config.js';
import { createNodes, nodesReady } from './nodes.js';
import { AdminApi, waitFor } from './wait.js';

/** Options of a whole cluster (`startControlPlane({ cluster: {} })`). */
export interface ClusterOptions {
  /** How many simulated nodes kwok plays; default 3 (enough for spreading and anti-affinity to mean something). */
  readonly nodes?: number;
  /** Binaries to use instead of resolving them (see {@link resolveClusterBinaries}). */
  readonly binaries?: ClusterBinaries;
}

/**
 * The parts of a whole cluster that run beside the apiserver.
 *
 * Guarantees: when the plane's start resolves, the controller-manager and the scheduler answer their health
 * checks, every node is Ready, and the `default` ServiceAccount of `default` exists; a Deployment's pods are then
 * created, scheduled onto the nodes, made Running and Ready by kwok, and deleted pods go away. The components live
 * and die with the plane (same guardian, same folder).
 */
export interface LocalCluster {
  /** Names of the simulated nodes (`kwok-node-0` …), annotated `kwok.x-k8s.io/node=fake`. */
  readonly nodes: readonly string[];
  readonly binaries: ClusterBinaries;
  /** The CRI-format log every simulated container shows (`kubectl logs`, attach); followers see appended lines. */
  readonly podLogFile: string;
  /** The folder in which exec into a simulated container runs its command, on this machine. */
  readonly execDir: string;
  /** Appends `text` (one log line per line) to every simulated container's log. */
  appendPodLog(text: string): Promise<void>;
}

/** What the running control plane hands to {@link startCluster}. */
export interface ClusterContext {
  readonly guardian: Guardian;
  readonly dir: string;
  readonly server: string;
  readonly pki: ControlPlanePki;
  readonly binaries: ClusterBinaries;
  readonly deadline: number;
}

async function startComponents(context: ClusterContext) {
  const { guardian, dir, server, pki, binaries } = context;
  const files = (component: Component) => writeComponentFiles(dir, server, pki.ca, component);
  const ports = { controllerManager: await freePort(), scheduler: await freePort(), kwok: await freePort() };
  const kwokFiles = await writeKwokFiles(dir);
  const [cm, scheduler, kwok] = [
    await files('kube-controller-manager'),
    await files('kube-scheduler'),
    await files('kwok'),
  ];
  const start = (name: string, binary: string, args: readonly string[], env = {}): Promise<ManagedProcess> =>
    startProcess(guardian, name, binary, args, join(dir, `${name}.log`), env);
  // One at a time: each registration with the guardian must be acknowledged before the next.
  const processes = [
    await start(
      'kube-controller-manager',
      binaries.kubeControllerManager,
      controllerManagerArgs(dir, cm, ports.controllerManager),
    ),
    await start('kube-scheduler', binaries.kubeScheduler, await schedulerArgs(dir, scheduler, ports.scheduler)),
    // kwok would also load ~/.kwok/kwok.yaml (a kwokctl user's own stages); its work dir is the plane's instead.
    await start('kwok', binaries.kwok, kwokArgs(kwok, kwokFiles, binaries.kwokStages, ports.kwok), {
      KWOK_WORKDIR: join(dir, 'kwok'),
    }),
  ];
  return { processes, ports, kwokFiles };
}

/**
 * Starts the components, creates `nodes` simulated nodes, and resolves once all of them are ready (see
 * {@link LocalCluster}). On failure the caller tears everything down through the guardian.
 */
export async function startCluster(context: ClusterContext, options: ClusterOptions): Promise<LocalCluster> {
  const { processes, ports, kwokFiles } = await startComponents(context);
  const api = new AdminApi(context.server, context.pki.ca, context.pki.admin);
  try {
    const wait = <T>(what: string, probe: () => Promise<T | undefined>) =>
      waitFor(what, context.deadline, processes, probe);
    const nodes = await createNodes(api, options.nodes ?? 3);
    await wait('kube-controller-manager /healthz', () =>
      api.get(`https://127.0.0.1:${ports.controllerManager}/healthz`),
    );
    await wait('kube-scheduler /readyz', () => api.get(`https://127.0.0.1:${ports.scheduler}/readyz`));
    await wait('kwok /healthz', () => api.get(`https://127.0.0.1:${ports.kwok}/healthz`));
    await wait('the simulated nodes to be Ready', () => nodesReady(api, nodes));
    await wait('the default ServiceAccount', () => api.get('/api/v1/namespaces/default/serviceaccounts/default'));
    return {
      nodes,
      binaries: context.binaries,
      podLogFile: kwokFiles.podLogFile,
      execDir: kwokFiles.execDir,
      appendPodLog: (text) => appendCriLog(kwokFiles.podLogFile, text),
    };
  } finally {
    await api.close();
  }
}
