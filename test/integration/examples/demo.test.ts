// Runs `npm run demo`'s program as a child process against the shared control plane.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const plane = inject('controlPlane');
const demo = fileURLToPath(new URL('../../../examples/pod-watcher/demo.ts', import.meta.url));

describe('npm run demo', () => {
  it('runs against the current kubeconfig context, exits 0 and prints the summary with the ConfigMap it wrote', async () => {
    // The child imports kubeloop by name, i.e. from dist/: `npm test` builds it first.
    const { stdout } = await promisify(execFile)(process.execPath, [demo], {
      env: { ...process.env, KUBECONFIG: plane.kubeconfigPath, DEMO_SECONDS: '8' },
      timeout: 110_000,
    });
    expect(stdout).toContain(`Cluster: current context (${plane.server})`);
    expect(stdout).toMatch(/\[\d+s\/8s\] pods \d+: Pending \d+ Running \d+/);
    expect(stdout).toMatch(/kubelet: [1-9]\d* pods created/);
    expect(stdout).toContain('census matches a fresh pod list: yes');
    expect(stdout).toMatch(/ConfigMap pod-census in namespace pod-watcher-demo-\w+/);
    expect(stdout).toMatch(/\n {2}phase\.Running: "\d+"\n/);
    expect(stdout).toMatch(/\n {2}pods: "\d+"\n/);
  });
});
