// Gives integration tests clients for their target, built the way users build them: the shared control plane's
// kubeconfig ('real', the default) or one in-process fake API server per test file ('fake').
import { randomUUID } from 'node:crypto';
import { inject, onTestFinished } from 'vitest';
import { loadKubeConfig } from '../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../src/client/config/rest-config.js';
import type { RestConfig } from '../../src/client/rest/config.js';
import { RESTClient } from '../../src/client/rest/rest-client.js';
import { createFakeApiServer, type FakeApiServer } from '../../src/testing/index.js';

/** Which server the tests of this vitest project run against (set by the project's `env`). */
export const integrationTarget: 'real' | 'fake' = process.env.KUBELOOP_INTEGRATION_TARGET === 'fake' ? 'fake' : 'real';

let fake: FakeApiServer | undefined;

/** The fake API server of this test file, created at first use (fake target only; vitest isolates files). */
export function fakeServer(): FakeApiServer {
  if (integrationTarget !== 'fake') throw new Error('fakeServer() is only for the fake integration target');
  fake ??= createFakeApiServer();
  return fake;
}

/** The RestConfig of one context of a kubeconfig file, built the way users build it. */
export async function restConfigFor(kubeconfigPath: string, context: string): Promise<RestConfig> {
  return restConfigFromKubeConfig(await loadKubeConfig({ paths: [kubeconfigPath] }), { context });
}

/** The admin's RestConfig on the target: the shared control plane's admin context, or the file's fake server. */
export async function adminConfig(): Promise<RestConfig> {
  if (integrationTarget === 'fake') return fakeServer().config;
  const plane = inject('controlPlane');
  return restConfigFor(plane.kubeconfigPath, plane.adminContext);
}

/** A RESTClient on the target for the admin, or (real target only: the fake has no users) the unprivileged user. */
export async function clientFor(who: 'admin' | 'user' = 'admin'): Promise<RESTClient> {
  if (who === 'admin') return RESTClient.forConfig(await adminConfig());
  if (integrationTarget === 'fake') throw new Error('the fake API server has no users: every request is the admin');
  const plane = inject('controlPlane');
  return RESTClient.forConfig(await restConfigFor(plane.kubeconfigPath, plane.userContext));
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
