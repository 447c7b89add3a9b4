/** Watches its parent through stdin and, when the parent goes away, ends the control plane's processes and removes its files. */
// Runs as its own process (plain Node, no imports of ours) so that even a parent killed with SIGKILL
// is cleaned up after: the kernel closes the parent's end of our stdin and we see EOF.
// Protocol, one line each: `pid N` (a process group leader to end), `dir PATH` (to remove), `persist`
// (ignore EOF; end only on SIGTERM/SIGINT/SIGHUP, for the CLI's detached `up`). Its one argument,
// `--kubeloop-guardian=<token>`, is only read by others, from its command line, to recognise it (processes.ts).
import { rmSync } from 'node:fs';
import { createInterface } from 'node:readline';

const pids: number[] = [];
const dirs: string[] = [];
let persist = false;
let cleaning = false;

const alive = (pid: number): boolean => {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
};

const signalAll = (signal: NodeJS.Signals): void => {
  // Newest first: the apiserver goes down before the etcd it depends on.
  for (const pid of [...pids].reverse()) {
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }
};

const cleanUp = async (): Promise<void> => {
  if (cleaning) return;
  cleaning = true;
  signalAll('SIGTERM');
  // The apiserver spends ~7 s draining on SIGTERM; its data is thrown away, so one second is all it gets.
  const deadline = Date.now() + 1_000;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  signalAll('SIGKILL');
  while (pids.some(alive)) await new Promise((r) => setTimeout(r, 20));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  process.exit(0);
};

for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => void cleanUp());

const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [kind, value] = [line.slice(0, line.indexOf(' ')), line.slice(line.indexOf(' ') + 1)];
  if (line === 'persist') persist = true;
  else if (kind === 'pid') pids.push(Number(value));
  else if (kind === 'dir') dirs.push(value);
  process.stdout.write('ok\n');
});
lines.on('close', () => {
  // Signal handlers alone do not keep Node running: a persistent guardian needs something that does.
  if (persist) setInterval(() => undefined, 2 ** 30);
  else void cleanUp();
});
