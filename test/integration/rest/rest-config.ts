// Builds the RestConfig of one context of the control plane's kubeconfig, the way users will.
import { loadKubeConfig, restConfigFromKubeConfig } from '../../../src/client/config/index.js';
import type { RestConfig } from '../../../src/client/rest/config.js';

export async function restConfigFor(kubeconfigPath: string, context: string): Promise<RestConfig> {
  return restConfigFromKubeConfig(await loadKubeConfig({ paths: [kubeconfigPath] }), { context });
}
