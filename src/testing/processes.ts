/** Starts the control plane's processes in their own process groups, each registered with a guardian that outlives us. */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Under vitest this module runs from src/ (.ts, run by Node's type stripping); once built, from dist/ (.js).
const guardianScript = fileURLToPath(
  new URL(import.meta.url.endsWith('.ts') ? './guardian.ts' : './guardian.js', import.meta.url),
);

/**
 * A guardian process: it ends every registered process group and removes every registered folder when our
 * process goes away (stdin EOF, even after SIGKILL) or when `release()` is called.
 */
export class Guardian {
  private constructor(private readonly child: ChildProcess) {}

  /** Spawns the guardian detached, so that a Ctrl-C or kill aimed at our group does not stop it before it cleans up. */
  static async start(): Promise<Guardian> {
    const child = spawn(process.execPath, [guardianScript], { detached: true, stdio: ['pipe', 'pipe', 'ignore'] });
    child.unref();
    const guardian = new Guardian(child);
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    return guardian;
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

/** A running binary whose output goes to a log file, and whose exit rejects `exited`. */
export interface ManagedProcess {
  readonly pid: number;
  readonly logFile: string;
  readonly exited: Promise<never>;
  /** The last lines of its log, for error messages. */
  logTail(lines?: number): string;
}

/** Spawns `binary` as the leader of a new process group and registers it with the guardian. */
export async function startProcess(
  guardian: Guardian,
  name: string,
  binary: string,
  args: readonly string[],
  logFile: string,
): Promise<ManagedProcess> {
  const log = openSync(logFile, 'a');
  const child = spawn(binary, args, { detached: true, stdio: ['ignore', log, log] });
  closeSync(log);
  child.unref();
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const pid = child.pid ?? 0;
  await guardian.register(`pid ${pid}`);
  const logTail = (lines = 30): string => readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) =>
      reject(new Error(`kubeloop: ${name} exited (${signal ?? code}); last lines of ${logFile}:\n${logTail()}`)),
    );
  });
  exited.catch(() => undefined);
  return { pid, logFile, exited, logTail };
}
