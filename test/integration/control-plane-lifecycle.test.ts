import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { startControlPlane } from '../../src/testing/index.js';

/** Pids of live processes whose command line mentions `text` (etcd and kube-apiserver name their folder in flags). */
async function processesMentioning(text: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    const state = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // A zombie has exited; it only waits for a parent to reap it.
    if (cmdline.includes(text) && !/^\d+ \(.*\) Z/.test(state)) pids.push(Number(entry));
  }
  return pids;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a control plane', () => {
  it('leaves no process and no temp folder behind after stop()', async () => {
    const plane = await startControlPlane();
    expect(await processesMentioning(plane.dir)).toHaveLength(2);
    expect(existsSync(plane.dir)).toBe(true);

    await plane.stop();

    expect(await processesMentioning(plane.dir)).toEqual([]);
    expect(existsSync(plane.dir)).toBe(false);
    await plane.stop();
  });

  it('leaves no process and no temp folder behind when its owner is killed with SIGKILL', async () => {
    const fixture = new URL('../fixtures/start-control-plane.mjs', import.meta.url).pathname;
    const owner = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: owner.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    const { dir } = JSON.parse(String(first.value)) as { dir: string };
    expect(await processesMentioning(dir)).toHaveLength(2);

    owner.kill('SIGKILL');

    await eventually(async () => (await processesMentioning(dir)).length === 0 && !existsSync(dir));
  });
});
