// Runs `npm run demo`'s program as a child process against a cluster it finds: the shared control plane, read-only.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ClientSet, loadKubeConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import { describe, expect, inject, it } from 'vitest';
import { newPod } from '../../../examples/pod-watcher/pod-status.ts';
import { testNamespace } from '../support.ts';

const plane = inject('controlPlane');
const demo = fileURLToPath(new URL('../../../examples/pod-watcher/demo.ts', import.meta.url));

describe('npm run demo on the current kubeconfig context', () => {
  it('only watches: exits 0 with a summary, and creates no namespace, workload or ConfigMap', async () => {
    const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [plane.kubeconfigPath] }), {
      context: plane.adminContext,
    });
    const core = ClientSet.forConfig(config).coreV1();
    const namespace = await testNamespace('demo-read-only');
    for (const name of ['a', 'b', 'c']) await core.pods(namespace).create(newPod(namespace, name, 'node-a'));
    const demoNamespaces = async () =>
      (await core.namespaces().list()).items
        .map((n) => n.metadata?.name ?? '')
        .filter((name) => name.startsWith('pod-watcher-demo-'))
        .sort();
    const before = await demoNamespaces();

    // The child imports kubeloop by name, i.e. from dist/: `npm test` builds it first.
    const { stdout } = await promisify(execFile)(process.execPath, [demo], {
      env: { ...process.env, KUBECONFIG: plane.kubeconfigPath, NAMESPACE: namespace, DEMO_SECONDS: '5' },
      timeout: 110_000,
    });
    expect(stdout).toContain(`Cluster: current context (${plane.server})`);
    expect(stdout).toContain(`Read-only: watching pods in ${namespace}; the census is applied as a dry run`);
    expect(stdout).toMatch(/\[\d+s\/5s\] pods 3: Pending 3 Running 0/);
    expect(stdout).toMatch(/pod-watcher: [1-9]\d* reconciles, \d+ phase transitions/);
    expect(stdout).toContain('pods in the cache now: 3');
    expect(stdout).not.toContain('workload:');
    // The census was validated by the server (a dry run) and never stored; no demo namespace was made.
    await expect(core.configMaps(namespace).get('pod-census')).rejects.toMatchObject({ status: { code: 404 } });
    expect(await demoNamespaces()).toEqual(before);
  });
});
