/** Picks a RestConfig like kube-rs's `Config::infer`: kubeconfig first, else in-cluster, else both failures. */
import { access } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { RestConfig } from '../rest/config.js';
import { InferConfigError, KubeConfigError } from './errors.js';
import { type InClusterConfigOptions, inClusterConfig } from './in-cluster.js';
import { loadKubeConfig } from './loader.js';
import { type KubeConfigOverrides, restConfigFromKubeConfig } from './rest-config.js';

/** Where to look: the environment and home folder for kubeconfig, the service-account files for in-cluster. */
export interface InferConfigOptions extends InClusterConfigOptions {
  /** Defaults to `os.homedir()`. */
  readonly homeDir?: string;
  /** Applied when the config comes from kubeconfig. */
  readonly overrides?: KubeConfigOverrides;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

async function fromKubeConfig(env: NodeJS.ProcessEnv, homeDir: string, overrides: KubeConfigOverrides) {
  const home = join(homeDir, '.kube', 'config');
  if ((env.KUBECONFIG ?? '') === '' && !(await exists(home))) {
    throw new KubeConfigError('KUBECONFIG_NOT_FOUND', `KUBECONFIG is not set and ${home} does not exist`);
  }
  return restConfigFromKubeConfig(await loadKubeConfig({ env, homeDir }), overrides);
}

/**
 * Returns the RestConfig from kubeconfig when `KUBECONFIG` is set or `~/.kube/config` exists and it loads; else
 * from the pod's service account.
 *
 * @throws InferConfigError holding both failures when neither works.
 */
export async function inferConfig(options: InferConfigOptions = {}): Promise<RestConfig> {
  const env = options.env ?? process.env;
  let kubeConfigError: unknown;
  try {
    return await fromKubeConfig(env, options.homeDir ?? homedir(), options.overrides ?? {});
  } catch (error) {
    kubeConfigError = error;
  }
  try {
    return await inClusterConfig(options);
  } catch (inClusterError) {
    throw new InferConfigError(kubeConfigError, inClusterError);
  }
}
