import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { endRecordedProcesses, recordProcesses } from '../../../src/testing/leftovers.js';
import { tempDir } from '../support/temp-dir.js';

/** A `sleep` leading its own process group, as the control plane's processes do; `exit` resolves to its signal. */
async function groupLeader(seconds: string): Promise<{ child: ChildProcess; exit: Promise<NodeJS.Signals | null> }> {
  const child = spawn('sleep', [seconds], { detached: true, stdio: 'ignore' });
  const exit = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
  onTestFinished(() => void child.kill('SIGKILL'));
  await new Promise((resolve) => child.once('spawn', resolve));
  return { child, exit };
}

describe('the processes a persistent control plane records for `down`', () => {
  it('kills the recorded process groups that are still ours, then removes the folder', async () => {
    const dir = await tempDir('kubeloop-leftovers-');
    const [first, second] = [await groupLeader('301'), await groupLeader('302')];
    await recordProcesses(dir, [first.child.pid ?? 0, second.child.pid ?? 0]);

    const outcome = await endRecordedProcesses(dir, 5_000);

    expect(outcome).toEqual({
      recorded: true,
      killed: [second.child.pid, first.child.pid],
      remaining: [],
      removedDir: true,
    });
    expect(await first.exit).toBe('SIGKILL');
    expect(await second.exit).toBe('SIGKILL');
    expect(existsSync(dir)).toBe(false);
  });

  it('never signals a recorded pid whose command line is not the recorded one (the pid was reused)', async () => {
    const dir = await tempDir('kubeloop-leftovers-');
    const other = await groupLeader('303');
    await writeFile(
      join(dir, 'processes.json'),
      JSON.stringify([{ pid: other.child.pid, command: 'etcd --data-dir=x' }]),
    );

    const outcome = await endRecordedProcesses(dir, 5_000);

    expect(outcome.killed).toEqual([]);
    expect(other.child.exitCode).toBeNull();
    expect(other.child.signalCode).toBeNull();
    other.child.kill('SIGKILL');
    expect(await other.exit).toBe('SIGKILL');
  });

  it('does nothing in a folder without a list (a plane started by an older version)', async () => {
    const dir = await tempDir('kubeloop-leftovers-');

    const outcome = await endRecordedProcesses(dir, 5_000);

    expect(outcome).toEqual({ recorded: false, killed: [], remaining: [], removedDir: false });
    expect(existsSync(dir)).toBe(true);
  });
});
