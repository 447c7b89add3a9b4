/** Starts the control plane's processes in their own process groups, each registered with a guardian that outlives us. */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

// Under vitest this module runs from src/ (.ts, run by Node's type stripping); once built, from dist/ (.js).
const guardianScript = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './guardian.ts' : './guardian.js', import.meta.url),
);

/**
 * A guardian process: it ends every registered process group and removes every registered folder when our
 * process goes away (stdin EOF, even after SIGKILL) or when `release()` is called.
 */
export class Guardian {
  /** The process groups registered so far, oldest first; each is in the guardian's list once `register` resolved. */
  private readonly registered: number[] = [];

  private constructor(
    private readonly child: ChildProcess,
    /** A random token on the guardian's command line: with the pid, it tells this guardian from any later process. */
    readonly token: string,
  ) {}

  /** Spawns the guardian detached, so that a Ctrl-C or kill aimed at our group does not stop it before it cleans up. */
  static async start(): Promise<Guardian> {
    const token = randomUUID();
    const child = spawn(process.execPath, [guardianScript, tokenArgument(token)], {
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    child.unref();
    const guardian = new Guardian(child, token);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return guardian;
  }

  /** The process group leaders registered with it, oldest first. */
  get pids(): readonly number[] {
    return this.registered;
  }

  /** The guardian's pid: signalling it with SIGTERM tears everything down. */
  get pid(): number {
    return this.child.pid ?? 0;
  }

  /** Registers a process group or a folder, resolving once the guardian has it (so a crash right after is covered). */
  async register(line: `pid ${number}` | `dir ${string}` | 'persist'): Promise<void> {
    const stdout = this.child.stdout;
    const stdin = this.child.stdin;
    if (!stdout || !stdin) throw new Error('kubeloop: the guardian has no pipes');
    await new Promise<void>((resolve) => {
      stdout.once('data', () => resolve());
      stdin.write(`${line}\n`);
    });
    if (line.startsWith('pid ')) this.registered.push(Number(line.slice('pid '.length)));
  }

  /** Lets go of the guardian without stopping anything (the CLI's detached `up`). */
  detach(): void {
    this.child.stdin?.end();
    this.child.stdout?.destroy();
  }

  /** Tears everything registered down and resolves when it is gone. */
  async release(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    // Unref'd at spawn so a forgotten control plane never keeps Node alive; waiting for it must.
    this.child.ref();
    this.child.stdin?.end();
    await exited;
  }
}

const tokenArgument = (token: string): string => `--kubeloop-guardian=${token}`;

/** What a recorded guardian pid is now: our guardian, gone (or a zombie), or another process (its command line). */
export type GuardianCheck =
  | { readonly state: 'ours' }
  | { readonly state: 'gone' }
  | { readonly state: 'other'; readonly command: string };

// Without procfs (macOS), ps prints the command line; it exits 1 when there is no such process.
const hasProcfs = existsSync('/proc/self/cmdline');
const run = promisify(execFile);

/** The command line of `pid`, arguments joined by spaces; `''` for a zombie, `undefined` when there is none. */
export async function commandLine(pid: number): Promise<string | undefined> {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  try {
    if (hasProcfs) return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').join(' ').trim();
    return (await run('ps', ['-o', 'command=', '-p', String(pid)])).stdout.trim();
  } catch {
    return undefined;
  }
}

/**
 * Tells whether `pid` is still the guardian that was started with `token`: its command line runs our guardian
 * script with that token. A reused pid (after a reboot, or a wrap-around) never passes, so it is never signalled.
 */
export async function checkGuardian(pid: number, token: string): Promise<GuardianCheck> {
  const command = await commandLine(pid);
  if (!command) return { state: 'gone' };
  const ours = command.includes(guardianScript) && command.includes(tokenArgument(token));
  return ours ? { state: 'ours' } : { state: 'other', command };
}

/** A running binary whose output goes to a log file, and whose exit rejects `exited`. */
export interface ManagedProcess {
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<never>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

/** Spawns `binary` as the leader of a new process group and registers it with the guardian; `env` adds variables. */
export async function startProcess(
  guardian: Guardian,
  name: string,
  binary: string,
  args: readonly string[],
  logFile: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ManagedProcess> {
  const log = openSync(logFile, 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log], env: { ...process.env, ...env } });
  closeSync(log);
  child.unref();
  const logTail = (lines = 30): string => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  // Listened for at once: a binary that fails at start may exit while we still wait for the guardian below.
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`kubeloop: ${name} exited (${signal ?? code}); last lines of ${logFile}:\n${logTail()}`)),
    );
  });
  exited.catch(() => undefined);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid ?? 0;
  await guardian.register(`pid ${pid}`);
  return { pid, logFile, exited, logTail };
}
