import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { describe, expect, inject, it, onTestFinished } from 'vitest';

// Regression tests for issue 9, defect 3: `down` trusted whatever process had the recorded pid, and waited forever.
const run = promisify(execFile);
const cli = new URL('../../dist/testing/cli.js', import.meta.url).pathname;
const guardianScript = new URL('../../dist/testing/guardian.js', import.meta.url).pathname;

/** A private cache folder holding a state file that records `guardianPid` (and a token, unless `null`). */
async function stateFileFor(guardianPid: number, guardianToken: string | null) {
  const cache = await mkdtemp(join(tmpdir(), 'kubeloop-down-'));
  onTestFinished(() => rm(cache, { recursive: true, force: true }));
  const file = join(cache, 'kubeloop', 'run', 'control-plane.json');
  await mkdir(join(file, '..'), { recursive: true });
  const state = { kubeconfigPath: join(cache, 'kubeconfig'), server: 'https://127.0.0.1:1', guardianPid };
  await writeFile(file, JSON.stringify(guardianToken === null ? state : { ...state, guardianToken }));
  const down = (...args: string[]) =>
    run(process.execPath, [cli, 'down', ...args], { env: { ...process.env, XDG_CACHE_HOME: cache } });
  return { file, down };
}

/** Spawns a process, killed when the test ends; `exit` resolves to the signal that ended it. */
function spawned(command: string, args: string[]): { child: ChildProcess; exit: Promise<NodeJS.Signals | null> } {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exit = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
  onTestFinished(() => void child.kill('SIGKILL'));
  return { child, exit };
}

/** A process that looks like our guardian (our script and the token on its command line) but ignores SIGTERM. */
async function stubbornGuardian(token: string) {
  const code = "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1e6);";
  const stub = spawned(process.execPath, ['-e', code, guardianScript, `--kubeloop-guardian=${token}`]);
  const lines = createInterface({ input: stub.child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  await lines.next();
  return stub;
}

/** Live processes whose command line contains `text` (a zombie's is empty); Linux's /proc. */
async function processesNaming(text: string): Promise<number[]> {
  // `ps` rather than /proc, so the test runs wherever `down` does (it falls back to `ps` itself).
  const { stdout } = await run('ps', ['-ww', '-e', '-o', 'pid=,command=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((match): match is RegExpExecArray => match !== null && (match[2] ?? '').includes(text))
    .map((match) => Number(match[1]));
}

/** Runs the real `up` with a private cache folder; what it started is killed when the test ends, whatever happens. */
async function realControlPlane() {
  const cache = await mkdtemp(join(tmpdir(), 'kubeloop-down-'));
  // The envtest variable points at the already built binaries, so this private cache folder needs no build.
  const env = { ...process.env, XDG_CACHE_HOME: cache, KUBEBUILDER_ASSETS: dirname(inject('controlPlane').kubectl) };
  const kubeloop = (...args: string[]) => run(process.execPath, [cli, ...args], { env });
  await kubeloop('up');
  const file = join(cache, 'kubeloop', 'run', 'control-plane.json');
  const state = JSON.parse(await readFile(file, 'utf8')) as { guardianPid: number; guardianToken: string; dir: string };
  onTestFinished(async () => {
    // Only what is provably this plane's: its guardian (by its token) and the processes naming its folder.
    const guardian = await processesNaming(`--kubeloop-guardian=${state.guardianToken}`);
    for (const pid of [...guardian, ...(await processesNaming(state.dir))]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    await rm(state.dir, { recursive: true, force: true });
    await rm(cache, { recursive: true, force: true });
  });
  return { file, state, down: (...args: string[]) => kubeloop('down', ...args) };
}

describe('kubeloop-control-plane down', () => {
  it('never signals an unrelated process that now has the recorded pid, and removes the stale state file', async () => {
    const sleep = spawned('sleep', ['300']);
    const { file, down } = await stateFileFor(sleep.child.pid ?? 0, randomUUID());

    const { stderr } = await down();

    expect(stderr).toContain(`pid ${sleep.child.pid} is now another process (sleep 300); it was not signalled`);
    expect(existsSync(file)).toBe(false);
    sleep.child.kill('SIGKILL');
    expect(await sleep.exit).toBe('SIGKILL');
  });

  it('never signals the recorded pid when the state file cannot prove it is ours (no token)', async () => {
    const sleep = spawned('sleep', ['300']);
    const { down } = await stateFileFor(sleep.child.pid ?? 0, null);

    const { stderr } = await down();

    expect(stderr).toContain('cannot be confirmed as ours; it was not signalled');
    sleep.child.kill('SIGKILL');
    expect(await sleep.exit).toBe('SIGKILL');
  });

  it('times out on a guardian that ignores SIGTERM, then kills it and says so', async () => {
    const token = randomUUID();
    const stub = await stubbornGuardian(token);
    const { file, down } = await stateFileFor(stub.child.pid ?? 0, token);

    const result = down('--timeout=1');

    await expect(result).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `the guardian (pid ${stub.child.pid}) did not stop within 1 s of SIGTERM; killed it with SIGKILL`,
      ),
    });
    expect(await stub.exit).toBe('SIGKILL');
    expect(existsSync(file)).toBe(false);
  });

  it('treats a guardian started with another token as an unrelated process', async () => {
    const stub = await stubbornGuardian(randomUUID());
    const { down } = await stateFileFor(stub.child.pid ?? 0, randomUUID());

    const { stderr } = await down('--timeout=1');

    expect(stderr).toContain('is now another process');
    stub.child.kill('SIGKILL');
    expect(await stub.exit).toBe('SIGKILL');
  });

  it('removes the state file of a guardian that is gone', async () => {
    const gone = spawned('true', []);
    await gone.exit;
    const { file, down } = await stateFileFor(gone.child.pid ?? 0, randomUUID());

    const { stderr } = await down();

    expect(stderr).toContain(`its guardian (pid ${gone.child.pid}) is no longer running`);
    expect(existsSync(file)).toBe(false);
  });

  it('ends the etcd and kube-apiserver of a guardian it had to SIGKILL, and removes their folder', {
    timeout: 120_000,
  }, async () => {
    const { file, state, down } = await realControlPlane();
    expect(await processesNaming(state.dir)).toHaveLength(2);
    // Stopped, the guardian cannot act on SIGTERM: `down` has to escalate to SIGKILL.
    process.kill(state.guardianPid, 'SIGSTOP');

    const result = down('--timeout=1');

    await expect(result).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        `killed it with SIGKILL, then ended the 2 processes it owned and removed ${state.dir}`,
      ),
    });
    expect(await processesNaming(state.dir)).toEqual([]);
    expect(existsSync(state.dir)).toBe(false);
    expect(existsSync(file)).toBe(false);
  });
});
