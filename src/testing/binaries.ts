/** Locates the kube-apiserver, etcd and kubectl binaries: envtest's variables first, else the cached pinned build. */
import { spawn } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
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
async function buildPinned(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [buildScript], { stdio: ['ignore', 'pipe', 'inherit'] });
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
