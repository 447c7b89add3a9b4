// Gives integration tests clients for the shared control plane, built the way users build them: from its kubeconfig.
import { randomUUID } from 'node:crypto';
import { inject, onTestFinished } from 'vitest';
import { loadKubeConfig } from '../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../src/client/config/rest-config.js';
import type { RestConfig } from '../../src/client/rest/config.js';
import { RESTClient } from '../../src/client/rest/rest-client.js';

const plane = inject('controlPlane');

/** The RestConfig of one context of a kubeconfig file, built the way users build it. */
export async function restConfigFor(kubeconfigPath: string, context: string): Promise<RestConfig> {
  return restConfigFromKubeConfig(await loadKubeConfig({ paths: [kubeconfigPath] }), { context });
}

/** A RESTClient on the shared control plane for the admin or the unprivileged user. */
export async function clientFor(who: 'admin' | 'user' = 'admin'): Promise<RESTClient> {
  const context = who === 'admin' ? plane.adminContext : plane.userContext;
  return RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, context));
}

const core = { group: '', version: 'v1' };

/** Creates a namespace `<prefix>-<random>` as the admin; for a whole file, pair it with {@link deleteNamespace}. */
export async function createNamespace(prefix: string): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await (await clientFor('admin')).post().groupVersion(core).resource('namespaces').body({ metadata: { name } }).do();
  return name;
}

/** Deletes a namespace as the admin (its objects go with it). */
export async function deleteNamespace(name: string): Promise<void> {
  await (await clientFor('admin')).delete().groupVersion(core).resource('namespaces').name(name).do();
}

/** Creates a namespace with a unique name, deleted when the current test finishes. */
export async function testNamespace(prefix: string): Promise<string> {
  const name = await createNamespace(prefix);
  onTestFinished(() => deleteNamespace(name));
  return name;
}
