/** Runs commands in containers (exec) and joins running ones (attach) over the channel protocol. */
import type { Readable, Writable } from 'node:stream';
import type { Status } from '../meta.js';
import type { RESTClient } from '../rest/rest-client.js';
import { ChannelSession, v4Protocol, v5Protocol } from './channels.js';
import { connect } from './connection.js';
import { NonZeroExitCodeError, RemoteCommandError, StreamClosedError, StreamProtocolError } from './errors.js';

const stdinChannel = 0;
const stdoutChannel = 1;
const stderrChannel = 2;
const errorChannel = 3;
const resizeChannel = 4;

/** What attach and exec share: the pod, the container, which streams to open. */
export interface AttachOptions {
  readonly namespace: string;
  readonly pod: string;
  /** Required when the pod has more than one container. */
  readonly container?: string;
  /** Open stdin (`session.stdin`). */
  readonly stdin?: boolean;
  /** Open stdout; default true. */
  readonly stdout?: boolean;
  /** Open stderr; default true, always false with `tty` (a terminal merges it into stdout). */
  readonly stderr?: boolean;
  /** Allocate a terminal; resize it with `session.resize`. */
  readonly tty?: boolean;
  /** Ends the session at once: the connection is dropped and `exitCode` rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Options of exec: attach's plus the command. */
export interface ExecOptions extends AttachOptions {
  /** The command and its arguments; no shell unless you run one. */
  readonly command: readonly string[];
}

/**
 * A running exec or attach.
 *
 * Guarantees: `stdout`/`stderr` end when the remote side is done, and stop being read from the network while
 * their buffer is full. They share one connection: read (or `resume()`) every stream you open, or open only those
 * you read, since an unread one holds back the other. `stdin` calls back once the socket accepted the data, ending
 * it closes the remote stdin (v5 servers; with a v4-only server it stays open until `close()`); `exitCode`
 * settles once.
 */
export interface ExecSession {
  /** The negotiated subprotocol: `v5.channel.k8s.io` or `v4.channel.k8s.io`. */
  readonly protocol: string;
  readonly stdin: Writable | undefined;
  readonly stdout: Readable | undefined;
  readonly stderr: Readable | undefined;
  /**
   * The exit code: 0, or the command's non-zero code. Rejects with RemoteCommandError when the command could not
   * run, StreamClosedError when the connection broke first, or the abort reason.
   */
  readonly exitCode: Promise<number>;
  /** Tells the terminal its new size (tty only). */
  resize(size: { readonly width: number; readonly height: number }): void;
  /**
   * Closes the connection cleanly; a command still running is ended by the runtime. `exitCode` then rejects with
   * StreamClosedError unless the server had already sent the command's status.
   */
  close(): void;
}

/**
 * Runs `command` in a container and returns its streams and exit code.
 *
 * @example
 * const session = await exec(rest, { namespace: 'default', pod: 'web', command: ['ls', '/'] });
 * session.stdout?.pipe(process.stdout);
 * console.log(await session.exitCode);
 */
export async function exec(rest: RESTClient, options: ExecOptions): Promise<ExecSession> {
  const query: [string, string][] = options.command.map((part) => ['command', part]);
  return await open(rest, 'exec', options, query);
}

/** Attaches to the main process of a running container (its stdio, as `kubectl attach`). */
export async function attach(rest: RESTClient, options: AttachOptions): Promise<ExecSession> {
  return await open(rest, 'attach', options, []);
}

/** Options of execCommand. */
export interface ExecCommandOptions extends Omit<ExecOptions, 'stdin' | 'stdout' | 'stderr' | 'tty'> {
  /** Sent to the command's stdin, which is then closed (needs a v5 server to close it). */
  readonly stdin?: string | Uint8Array;
  /** Reject with NonZeroExitCodeError on a non-zero exit. Default false: the code is in the result. */
  readonly check?: boolean;
}

/** What execCommand collected. */
export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: Buffer;
  readonly stderr: Buffer;
}

/** Runs a command to completion and collects its output and exit code (`kubectl exec pod -- cmd`). */
export async function execCommand(rest: RESTClient, options: ExecCommandOptions): Promise<ExecResult> {
  const { stdin, check, ...execOptions } = options;
  const session = await exec(rest, { ...execOptions, stdin: stdin !== undefined, stdout: true, stderr: true });
  session.stdin?.end(stdin);
  const [stdout, stderr, exitCode] = await Promise.all([
    collect(session.stdout),
    collect(session.stderr),
    session.exitCode,
  ]);
  if (check && exitCode !== 0) throw new NonZeroExitCodeError(options.command, exitCode, stderr.toString('utf8'));
  return { exitCode, stdout, stderr };
}

async function collect(readable: Readable | undefined): Promise<Buffer> {
  const chunks: Buffer[] = [];
  if (readable) for await (const chunk of readable) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function open(
  rest: RESTClient,
  subresource: 'exec' | 'attach',
  options: AttachOptions,
  query: [string, string][],
): Promise<ExecSession> {
  const tty = options.tty ?? false;
  const flags = {
    stdin: options.stdin ?? false,
    stdout: options.stdout ?? true,
    stderr: !tty && (options.stderr ?? true),
    tty,
  };
  for (const [name, value] of Object.entries(flags)) query.push([name, String(value)]);
  if (options.container) query.push(['container', options.container]);
  const path = `/api/v1/namespaces/${encodeURIComponent(options.namespace)}/pods/${encodeURIComponent(options.pod)}/${subresource}`;
  const ws = await connect(rest, { path, query, protocols: [v5Protocol, v4Protocol], signal: options.signal });
  const session = new ChannelSession(ws);
  const stdout = flags.stdout ? session.readable(stdoutChannel) : undefined;
  const stderr = flags.stderr ? session.readable(stderrChannel) : undefined;
  session.collect(errorChannel);
  const onAbort = () => session.abort(options.signal?.reason as Error);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  let closedByUs = false;
  const exitCode = session.closed.then((info) => {
    options.signal?.removeEventListener('abort', onAbort);
    if (options.signal?.aborted) throw options.signal.reason;
    const status = session.text(errorChannel);
    if (closedByUs && status.trim() === '') {
      throw new StreamClosedError('the session was closed before the command reported how it ended');
    }
    return exitCodeOf(status, info.error);
  });
  // Callers that only stream may never read the exit code; its failure is still reported where they await it.
  exitCode.catch(() => undefined);
  return {
    protocol: session.protocol,
    stdin: flags.stdin ? session.writable(stdinChannel) : undefined,
    stdout,
    stderr,
    exitCode,
    resize: ({ width, height }) => {
      if (tty) session.send(resizeChannel, Buffer.from(JSON.stringify({ Width: width, Height: height })));
    },
    close: () => {
      closedByUs = true;
      session.close();
    },
  };
}

/**
 * The exit code in the error channel's Status. No Status after a clean close means success (servers before v4
 * sent none; kubectl reads it the same way); none after a broken connection is StreamClosedError.
 */
function exitCodeOf(statusText: string, connectionError: Error | undefined): number {
  if (statusText.trim() === '') {
    if (connectionError === undefined) return 0;
    if (connectionError instanceof StreamClosedError) throw connectionError;
    throw new StreamClosedError(`the stream broke before the command's status arrived: ${connectionError.message}`, {
      cause: connectionError,
    });
  }
  let status: Status;
  try {
    status = JSON.parse(statusText) as Status;
  } catch {
    throw new StreamProtocolError(`the error channel carried no Status: ${statusText.slice(0, 200)}`);
  }
  if (status.status === 'Success') return 0;
  if (status.reason === 'NonZeroExitCode') {
    const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
    const code = Number(cause?.message);
    if (Number.isInteger(code)) return code;
  }
  throw new RemoteCommandError(status);
}
