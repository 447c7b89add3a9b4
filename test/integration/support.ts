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

/** Creates a namespace with a unique name, deleted when the current test finishes. */
export async function testNamespace(prefix: string): Promise<string> {
  const admin = await clientFor('admin');
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const core = { group: '', version: 'v1' };
  await admin.post().groupVersion(core).resource('namespaces').body({ metadata: { name } }).do();
  onTestFinished(async () => {
    await admin.delete().groupVersion(core).resource('namespaces').name(name).do();
  });
  return name;
}
