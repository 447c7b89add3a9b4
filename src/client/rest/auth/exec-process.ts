/** Runs an exec credential plugin once: spawns it, enforces the time limit and cancellation, collects its stdout. */
import { type ChildProcess, spawn } from 'node:child_process';
import { ExecPluginError } from './errors.js';

/**
 * Where a non-interactive plugin's stderr goes: `inherit` copies it to this process's stderr, `discard` drops it.
 * Never into an error or a log line: plugins print tokens and login URLs with codes there.
 */
export type ExecStderrTarget = 'inherit' | 'discard';

/** One plugin run. */
export interface ExecRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Interactive runs inherit our stdin and stderr (for prompts); others get no stdin and `stderr`. */
  readonly interactive: boolean;
  readonly stderr: ExecStderrTarget;
  /** 0: no limit. */
  readonly timeoutMs: number;
  readonly installHint: string | undefined;
  /** Aborting it kills the plugin at once and rejects with failure `aborted`. */
  readonly signal?: AbortSignal | undefined;
}

// ExecCredentials are a few KiB; a plugin printing more than this is broken, and we must not buffer it all.
const maxStdoutBytes = 4 * 1024 * 1024;

/**
 * Runs the plugin and resolves its stdout once it exits 0.
 *
 * Guarantees: settles exactly once; rejects with ExecPluginError (`not-found` with the install hint, `spawn`, `exit`
 * with the code, `timeout` after killing the process, `aborted` after killing it when `signal` aborted,
 * `bad-output` for oversized output); once it settled no timer or listener of the run is left; neither stdout nor
 * stderr ever appears in an error.
 */
export function runExecPlugin(run: ExecRun): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    if (run.signal?.aborted) {
      reject(failure(run, 'aborted', 'was not started: nobody waits for its credential any more'));
      return;
    }
    let child: ChildProcess;
    try {
      const stderr = run.interactive || run.stderr === 'inherit' ? 'inherit' : 'ignore';
      child = spawn(run.command, [...run.args], {
        env: run.env,
        stdio: [run.interactive ? 'inherit' : 'ignore', 'pipe', stderr],
      });
    } catch (error) {
      // Invalid arguments (e.g. a NUL byte) throw at once, and Node's message quotes the offending value.
      reject(
        failure(run, 'spawn', `could not be started: ${(error as NodeJS.ErrnoException).code ?? 'invalid arguments'}`),
      );
      return;
    }
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let settled = false;
    const finish = (error: ExecPluginError | undefined): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      if (error === undefined) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(error);
    };
    const fail = (error: ExecPluginError): void => {
      child.kill('SIGKILL');
      finish(error);
    };
    const onAbort = (): void => fail(failure(run, 'aborted', 'was killed: nobody waits for its credential any more'));
    run.signal?.addEventListener('abort', onAbort, { once: true });
    const timer =
      run.timeoutMs > 0
        ? setTimeout(() => fail(failure(run, 'timeout', `did not finish within ${run.timeoutMs} ms`)), run.timeoutMs)
        : undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdoutBytes) fail(failure(run, 'bad-output', `printed more than ${maxStdoutBytes} bytes`));
      else stdout.push(chunk);
    });
    child.on('error', (error: NodeJS.ErrnoException) => finish(spawnError(run, error)));
    // 'close' (not 'exit'): all of stdout has been read by then.
    child.on('close', (code, signal) => {
      if (code === 0) finish(undefined);
      else finish(exitError(run, code, signal));
    });
  });
}

function failure(run: ExecRun, kind: 'timeout' | 'bad-output' | 'spawn' | 'aborted', what: string): ExecPluginError {
  return new ExecPluginError(kind, `exec plugin ${run.command} ${what}`);
}

function spawnError(run: ExecRun, error: NodeJS.ErrnoException): ExecPluginError {
  if (error.code !== 'ENOENT') return failure(run, 'spawn', `could not be started: ${error.code ?? error.message}`);
  const hint = run.installHint ? `\n\n${run.installHint}` : '';
  return new ExecPluginError(
    'not-found',
    `exec plugin: executable ${run.command} not found; it looks like a client-go credential plugin that is not installed${hint}`,
  );
}

function exitError(run: ExecRun, code: number | null, signal: NodeJS.Signals | null): ExecPluginError {
  const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `failed with exit code ${code}`;
  const where =
    run.interactive || run.stderr === 'inherit'
      ? "its stderr went to this process's stderr"
      : "its stderr was discarded, as it may hold credentials: run the command by hand, or set execStderr: 'inherit', to see it";
  const options = code === null ? {} : { exitCode: code };
  return new ExecPluginError('exit', `exec plugin ${run.command} ${how} (${where})`, options);
}
