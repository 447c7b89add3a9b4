// Runs `npm run demo`'s program as a child process against a cluster it finds: the shared control plane, read-only.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ClientSet, loadKubeConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import { describe, expect, inject, it } from 'vitest';

const plane = inject('controlPlane');
const demo = fileURLToPath(new URL('../../../examples/pod-watcher/demo.ts', import.meta.url));

describe('npm run demo on the current kubeconfig context', () => {
  it('only watches: exits 0 with a summary, and creates no namespace, workload or ConfigMap', async () => {
    const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [plane.kubeconfigPath] }), {
      context: plane.adminContext,
    });
    const core = ClientSet.forConfig(config).coreV1();
    const namespacesBefore = (await core.namespaces().list()).items.map((n) => n.metadata?.name).sort();
    // The child imports kubeloop by name, i.e. from dist/: `npm test` builds it first.
    const { stdout } = await promisify(execFile)(process.execPath, [demo], {
      env: { ...process.env, KUBECONFIG: plane.kubeconfigPath, DEMO_SECONDS: '5' },
      timeout: 110_000,
    });
    expect(stdout).toContain(`Cluster: current context (${plane.server})`);
    expect(stdout).toContain('Read-only: watching pods in every namespace; the census is applied as a dry run');
    expect(stdout).toMatch(/\[\d+s\/5s\] pods \d+: Pending \d+ Running \d+/);
    expect(stdout).toMatch(/pod-watcher: \d+ reconciles, \d+ phase transitions/);
    expect(stdout).not.toContain('workload:');
    const demoNamespaces = (await core.namespaces().list()).items.filter((n) =>
      n.metadata?.name?.startsWith('pod-watcher-demo-'),
    );
    expect(demoNamespaces.filter((n) => !namespacesBefore.includes(n.metadata?.name))).toEqual([]);
    const census = await core.configMaps().list({ fieldSelector: 'metadata.name=pod-census' });
    expect(census.items.filter((c) => c.metadata?.managedFields?.some((f) => f.manager === 'pod-watcher'))).toEqual([]);
  });
});
