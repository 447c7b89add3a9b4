import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ClientSet } from '../../src/client/kubernetes/clientset.js';
import { resolveBinaries, resolveClusterBinaries, startControlPlane } from '../../src/testing/index.js';
import { cluster, eventually } from './support.js';

// etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok each name the plane's folder in a flag.
const components = 5;
const env = { ...process.env, ...cluster.testAssets };

/** Pids of live processes whose command line mentions `dir` or that run in it (exec into a simulated pod does). */
async function processesMentioning(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    const state = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // A zombie has exited; it only waits for a parent to reap it.
    if ((cmdline.includes(dir) || cwd.startsWith(dir)) && !/^\d+ \(.*\) Z/.test(state)) pids.push(Number(entry));
  }
  return pids;
}

async function gone(dir: string): Promise<void> {
  while ((await processesMentioning(dir)).length > 0 || existsSync(dir)) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a whole cluster leaves no process and no folder behind', () => {
  it('after stop(), even with a command running in a simulated pod', async () => {
    // Resolved from the TEST_ASSET_* variables alone: no build runs.
    const plane = await startControlPlane({
      binaries: await resolveBinaries(env),
      cluster: { nodes: 1, binaries: await resolveClusterBinaries(env) },
    });
    expect(await processesMentioning(plane.dir)).toHaveLength(components);
    // A command run by exec into a simulated pod is a process too: kwok's child, in its process group.
    const pods = ClientSet.forConfig(plane.adminConfig).coreV1().pods('default');
    await pods.create({ metadata: { name: 'sleeper' }, spec: { containers: [{ name: 'app', image: 'app:1' }] } });
    await eventually(async () => ((await pods.get('sleeper')).status?.phase === 'Running' ? true : undefined));
    // KUBECONFIG rather than --kubeconfig, so that kubectl itself does not name the folder.
    const session = spawn(cluster.kubectl, ['exec', 'sleeper', '--', 'sleep', '300'], {
      env: { ...process.env, KUBECONFIG: plane.kubeconfigPath },
      stdio: 'ignore',
    });
    onTestFinished(() => void session.kill('SIGKILL'));
    await eventually(async () => ((await processesMentioning(plane.dir)).length > components ? true : undefined));

    await plane.stop();

    expect(await processesMentioning(plane.dir)).toEqual([]);
    expect(existsSync(plane.dir)).toBe(false);
  });

  it('after a failed start: a component that exits fails the start with its log, and everything is torn down', async () => {
    const binaries = await resolveClusterBinaries(env);
    const failed = startControlPlane({
      binaries: await resolveBinaries(env),
      cluster: { nodes: 1, binaries: { ...binaries, kubeScheduler: '/bin/false' } },
    });

    const error = await failed.then(
      () => undefined,
      (reason: unknown) => reason as Error,
    );
    expect(error?.message).toMatch(/kube-scheduler exited \(1\); last lines of .*kube-scheduler\.log/);
    const dir = dirname(/last lines of (\S+)/.exec(error?.message ?? '')?.[1] ?? '');
    expect(await processesMentioning(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('when its owner is killed with SIGKILL', async () => {
    const fixture = new URL('./fixtures/start-cluster.mjs', import.meta.url).pathname;
    const owner = spawn(process.execPath, [fixture], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    onTestFinished(() => void owner.kill('SIGKILL'));
    const lines = createInterface({ input: owner.stdout })[Symbol.asyncIterator]();
    const { dir } = JSON.parse(String((await lines.next()).value)) as { dir: string };
    expect(await processesMentioning(dir)).toHaveLength(components);

    owner.kill('SIGKILL');

    await gone(dir);
  });

  it('after kubeloop-control-plane down', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'kubeloop-cluster-cli-'));
    onTestFinished(() => rm(cache, { recursive: true, force: true }));
    const cli = new URL('../../dist/testing/cli.js', import.meta.url).pathname;
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [cli, ...args], { env: { ...env, XDG_CACHE_HOME: cache } });
    const kubeconfigPath = (await run('up', '--cluster')).stdout.trim();
    const dir = dirname(kubeconfigPath);
    onTestFinished(async () => void (await run('down')));
    expect(await processesMentioning(dir)).toHaveLength(components);
    expect((await run('env')).stdout).toContain(`export PATH=${dirname(cluster.kubectl)}:$PATH`);

    await run('down');

    expect(await processesMentioning(dir)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });
});
