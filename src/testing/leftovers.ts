/** Records a persistent control plane's processes in its folder, and ends them when their guardian was killed first. */
// The guardian ends the processes it owns; a guardian killed with SIGKILL cannot, so `down` does it from this list.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { commandLine } from './processes.js';

/** A process group leader as recorded: a later process with the same pid and command line is still it. */
interface RecordedProcess {
  readonly pid: number;
  /** As {@link commandLine} reads it; the plane's own folder is in every one, so no other process has it. */
  readonly command: string;
}

/** What {@link endRecordedProcesses} did. */
export interface LeftoverOutcome {
  /** False when the folder holds no list (gone already, or a plane started before lists were kept): nothing was done. */
  readonly recorded: boolean;
  /** The recorded process group leaders that were still ours, and were sent SIGKILL. */
  readonly killed: readonly number[];
  /** Those still running when the time ran out; the folder is then kept. */
  readonly remaining: readonly number[];
  readonly removedDir: boolean;
}

const listFile = (dir: string): string => join(dir, 'processes.json');

/** Writes the command line of each process group leader in `pids` (oldest first) into the plane's folder. */
export async function recordProcesses(dir: string, pids: readonly number[]): Promise<void> {
  const list: RecordedProcess[] = [];
  for (const pid of pids) {
    const command = await commandLine(pid);
    if (command) list.push({ pid, command });
  }
  await writeFile(listFile(dir), JSON.stringify(list), { mode: 0o600 });
}

async function readList(dir: string): Promise<readonly RecordedProcess[] | undefined> {
  try {
    const list: unknown = JSON.parse(await readFile(listFile(dir), 'utf8'));
    const valid = (entry: Partial<RecordedProcess>) =>
      Number.isSafeInteger(entry.pid) && (entry.pid ?? 0) > 0 && typeof entry.command === 'string' && entry.command;
    return Array.isArray(list) && list.every(valid) ? (list as RecordedProcess[]) : undefined;
  } catch {
    return undefined;
  }
}

const isOurs = async (entry: RecordedProcess): Promise<boolean> => (await commandLine(entry.pid)) === entry.command;

async function stillRunning(list: readonly RecordedProcess[]): Promise<number[]> {
  const ours = await Promise.all(list.map(isOurs));
  return list.filter((_, index) => ours[index]).map((entry) => entry.pid);
}

/**
 * Kills the process groups recorded in `dir` whose leaders are still ours (same pid, same command line), waits up
 * to `timeoutMs` for them to go, then removes `dir`.
 *
 * Guarantees: a pid whose command line differs from the recorded one (gone, a zombie, or reused) is never
 * signalled; `dir` is removed only if it holds a list and every recorded process is gone.
 */
export async function endRecordedProcesses(dir: string, timeoutMs: number): Promise<LeftoverOutcome> {
  const list = await readList(dir);
  if (list === undefined) return { recorded: false, killed: [], remaining: [], removedDir: false };
  const killed: number[] = [];
  // Newest first, as the guardian does. Straight to SIGKILL: SIGTERM had its chance, and the data is thrown away.
  for (const entry of [...list].reverse()) {
    if (!(await isOurs(entry))) continue;
    try {
      process.kill(-entry.pid, 'SIGKILL');
      killed.push(entry.pid);
    } catch {
      // Gone in between.
    }
  }
  const deadline = Date.now() + timeoutMs;
  let remaining = await stillRunning(list);
  while (remaining.length > 0 && Date.now() < deadline) {
    await sleep(50);
    remaining = await stillRunning(list);
  }
  if (remaining.length === 0) await rm(dir, { recursive: true, force: true });
  return { recorded: true, killed, remaining, removedDir: remaining.length === 0 };
}
