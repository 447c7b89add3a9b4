// Gives the cluster tests typed clients of the shared cluster, a namespace per test, and its pinned kubectl.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { inject, onTestFinished } from 'vitest';
import { loadKubeConfig } from '../../src/client/config/loader.js';
import { restConfigFromKubeConfig } from '../../src/client/config/rest-config.js';
import { ClientSet } from '../../src/client/kubernetes/clientset.js';

export const cluster = inject('cluster');

/** The typed clients of the admin, built from the cluster's kubeconfig the way users build them. */
export async function clients(): Promise<ClientSet> {
  const kubeconfig = await loadKubeConfig({ paths: [cluster.kubeconfigPath] });
  return ClientSet.forConfig(restConfigFromKubeConfig(kubeconfig, { context: cluster.adminContext }));
}

/** Polls `check` until it returns a value (not undefined); the suite's timeout bounds the wait. */
export async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * Creates a namespace deleted when the test finishes, and waits for its `default` ServiceAccount: with the
 * ServiceAccount admission plugin on (as in any real cluster), pods are refused until the controller-manager made it.
 */
export async function testNamespace(prefix: string): Promise<string> {
  const core = (await clients()).coreV1();
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await core.namespaces().create({ metadata: { name } });
  onTestFinished(async () => void (await core.namespaces().delete(name)));
  await eventually(() =>
    core
      .serviceAccounts(name)
      .get('default')
      .catch(() => undefined),
  );
  return name;
}

const run = promisify(execFile);

/** Runs the pinned kubectl against the cluster; resolves to its stdout. */
export async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(cluster.kubectl, ['--kubeconfig', cluster.kubeconfigPath, ...args]);
  return stdout;
}
