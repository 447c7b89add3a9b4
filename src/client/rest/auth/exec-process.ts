/** Runs an exec credential plugin once: spawns it, enforces the time limit, and collects its stdout. */
import { type ChildProcess, spawn } from 'node:child_process';
import { ExecPluginError } from './errors.js';

/** One plugin run. */
export interface ExecRun {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  /** Interactive runs inherit our stdin and stderr (for prompts); others get no stdin and captured stderr. */
  readonly interactive: boolean;
  /** 0: no limit. */
  readonly timeoutMs: number;
  readonly installHint: string | undefined;
}

// ExecCredentials are a few KiB; a plugin printing more than this is broken, and we must not buffer it all.
const maxStdoutBytes = 4 * 1024 * 1024;
// The part of stderr quoted in an error: enough for a message, short enough for a log line.
const maxStderrChars = 1024;

/**
 * Runs the plugin and resolves its stdout once it exits 0.
 *
 * Guarantees: settles exactly once; rejects with ExecPluginError (`not-found` with the install hint, `spawn`, `exit`
 * with the code and truncated stderr, `timeout` after killing the process, `bad-output` for oversized output);
 * stdout never appears in an error.
 */
export function runExecPlugin(run: ExecRun): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(run.command, [...run.args], {
        env: run.env,
        stdio: [run.interactive ? 'inherit' : 'ignore', 'pipe', run.interactive ? 'inherit' : 'pipe'],
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
    let stderr = '';
    let settled = false;
    const finish = (error: ExecPluginError | undefined): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (error === undefined) resolve(Buffer.concat(stdout).toString('utf8'));
      else reject(error);
    };
    const fail = (error: ExecPluginError): void => {
      child.kill('SIGKILL');
      finish(error);
    };
    const timer =
      run.timeoutMs > 0
        ? setTimeout(() => fail(failure(run, 'timeout', `did not finish within ${run.timeoutMs} ms`)), run.timeoutMs)
        : undefined;
    child.stdout?.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxStdoutBytes) fail(failure(run, 'bad-output', `printed more than ${maxStdoutBytes} bytes`));
      else stdout.push(chunk);
    });
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      if (stderr.length <= maxStderrChars) stderr += chunk;
    });
    child.on('error', (error: NodeJS.ErrnoException) => finish(spawnError(run, error)));
    // 'close' (not 'exit'): all of stdout has been read by then.
    child.on('close', (code, signal) => {
      if (code === 0) finish(undefined);
      else finish(exitError(run, code, signal, stderr));
    });
  });
}

function failure(run: ExecRun, kind: 'timeout' | 'bad-output' | 'spawn', what: string): ExecPluginError {
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

function exitError(run: ExecRun, code: number | null, signal: NodeJS.Signals | null, stderr: string): ExecPluginError {
  const how = code === null ? `was killed by ${signal ?? 'a signal'}` : `failed with exit code ${code}`;
  const text = stderr.trim();
  const quoted = text.length > maxStderrChars ? `${text.slice(0, maxStderrChars)}… (truncated)` : text;
  const options = code === null ? {} : { exitCode: code };
  return new ExecPluginError('exit', `exec plugin ${run.command} ${how}${quoted ? `: ${quoted}` : ''}`, options);
}
