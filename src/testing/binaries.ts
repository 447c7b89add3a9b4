/** Locates the control plane's and the cluster's binaries: envtest-style variables first, else the cached pinned build. */
import { spawn } from 'node:child_process';
import { access, constants, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute paths of the three control-plane binaries. */
export interface ControlPlaneBinaries {
  readonly kubeApiserver: string;
  readonly etcd: string;
  readonly kubectl: string;
}

const buildScript = fileURLToPath(new URL('../../hack/control-plane/build.sh', import.meta.url));

async function executable(path: string, source: string): Promise<string> {
  try {
    await access(path, constants.X_OK);
    return path;
  } catch {
    throw new Error(`kubeloop: ${source} points at ${path}, which is not an executable file`);
  }
}

/** Runs the pinned build (a no-op when cached); its progress goes to this process's stderr. */
async function buildPinned(args: readonly string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [buildScript, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const dir = out.trim().split('\n').pop();
      if (code === 0 && dir) resolve(dir);
      else reject(new Error(`kubeloop: building the control plane failed (${buildScript} exited ${code})`));
    });
  });
}

/**
 * Resolves the binaries the envtest way: `TEST_ASSET_KUBE_APISERVER`, `TEST_ASSET_ETCD` and `TEST_ASSET_KUBECTL`
 * each win for their binary, then `KUBEBUILDER_ASSETS` (a folder holding all three), then the pinned releases
 * built from source by hack/control-plane/build.sh into `$XDG_CACHE_HOME/kubeloop` (built once per machine).
 */
export async function resolveBinaries(env: NodeJS.ProcessEnv = process.env): Promise<ControlPlaneBinaries> {
  const assets = env.KUBEBUILDER_ASSETS;
  const pick = async (variable: string, file: string, built: () => Promise<string>): Promise<string> => {
    const explicit = env[variable];
    if (explicit) return executable(explicit, variable);
    if (assets) return executable(join(assets, file), 'KUBEBUILDER_ASSETS');
    return join(await built(), file);
  };
  let pinned: Promise<string> | undefined;
  const built = (): Promise<string> => (pinned ??= buildPinned());
  return {
    kubeApiserver: await pick('TEST_ASSET_KUBE_APISERVER', 'kube-apiserver', built),
    etcd: await pick('TEST_ASSET_ETCD', 'etcd', built),
    kubectl: await pick('TEST_ASSET_KUBECTL', 'kubectl', built),
  };
}

/** Absolute paths of what a whole cluster runs beside the control plane (see {@link resolveClusterBinaries}). */
export interface ClusterBinaries {
  readonly kubeControllerManager: string;
  readonly kubeScheduler: string;
  readonly kwok: string;
  /** kwok's Stage documents (node and pod lifecycles), YAML; by default `<kwok>-stages.yaml` beside the binary. */
  readonly kwokStages: string;
}

/** The kwok release pinned in hack/control-plane/kwok/go.mod, which names the built binary. */
async function pinnedKwokVersion(): Promise<string> {
  const goMod = await readFile(new URL('../../hack/control-plane/kwok/go.mod', import.meta.url), 'utf8');
  const version = /^\s*(?:require\s+)?sigs\.k8s\.io\/kwok\s+(v\S+)/m.exec(goMod)?.[1];
  if (!version) throw new Error('kubeloop: hack/control-plane/kwok/go.mod pins no sigs.k8s.io/kwok version');
  return version;
}

/**
 * Resolves the cluster's binaries: `TEST_ASSET_KUBE_CONTROLLER_MANAGER`, `TEST_ASSET_KUBE_SCHEDULER` and
 * `TEST_ASSET_KWOK` each win for their binary (`TEST_ASSET_KWOK_STAGES` for kwok's stages, else the file
 * `<kwok>-stages.yaml` beside it); the rest come from `build.sh --cluster`, which builds the pinned releases
 * once per machine. Only a cluster calls this, so the apiserver-only plane never waits for the longer build.
 */
export async function resolveClusterBinaries(env: NodeJS.ProcessEnv = process.env): Promise<ClusterBinaries> {
  let pinned: Promise<string> | undefined;
  const built = (): Promise<string> => (pinned ??= buildPinned(['--cluster']));
  const pick = async (variable: string, file: () => Promise<string>): Promise<string> => {
    const explicit = env[variable];
    return explicit ? executable(explicit, variable) : join(await built(), await file());
  };
  const kwok = await pick('TEST_ASSET_KWOK', async () => `kwok-${await pinnedKwokVersion()}`);
  const stages = env.TEST_ASSET_KWOK_STAGES ?? `${kwok}-stages.yaml`;
  try {
    await access(stages, constants.R_OK);
  } catch {
    throw new Error(`kubeloop: kwok's stages ${stages} are missing (set TEST_ASSET_KWOK_STAGES to a Stage YAML file)`);
  }
  return {
    kubeControllerManager: await pick('TEST_ASSET_KUBE_CONTROLLER_MANAGER', async () => 'kube-controller-manager'),
    kubeScheduler: await pick('TEST_ASSET_KUBE_SCHEDULER', async () => 'kube-scheduler'),
    kwok,
    kwokStages: stages,
  };
}
