// Runs `npm run demo`'s program with no cluster at the kubeconfig: it starts a whole local cluster of its own, whose
// scheduler, controllers and kwok nodes move its workload's pods.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../unit/support/temp-dir.ts';

const demo = fileURLToPath(new URL('../../examples/pod-watcher/demo.ts', import.meta.url));

describe('npm run demo without a cluster', () => {
  it('starts a local cluster, drives Deployments whose pods run on kwok nodes, and the census converges', async () => {
    const dir = await tempDir('demo');
    // The child imports kubeloop by name, i.e. from dist/: `npm test` builds it first.
    const { stdout } = await promisify(execFile)(process.execPath, [demo], {
      env: { ...process.env, KUBECONFIG: join(dir, 'no-such-kubeconfig'), DEMO_SECONDS: '12' },
      timeout: 180_000,
    });
    expect(stdout).toMatch(/Cluster: local cluster https:\/\/127\.0\.0\.1:\d+ \(Kubernetes v1\.37\.2, 3 kwok nodes\)/);
    expect(stdout).toMatch(/Namespace pod-watcher-demo-\w+: Deployments and Jobs/);
    expect(stdout).toMatch(/Running [1-9]\d*/);
    expect(stdout).toMatch(/kwok-node-\d/);
    expect(stdout).toMatch(/workload: 3 Deployments, \d+ scalings, \d+ pods deleted, \d+ Jobs/);
    expect(stdout).toContain('census matches a fresh pod list: yes');
    expect(stdout).toMatch(/\n {2}phase\.Running: "\d+"\n/);
  });
});
