/** Copies files and folders into and out of containers as `kubectl cp` does: a tar archive over exec. */
import { basename, dirname, posix } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { create as createTar, extract as extractTar } from 'tar';
import type { RESTClient } from '../rest/rest-client.js';
import { NonZeroExitCodeError } from './errors.js';
import { exec } from './exec.js';

/** Options of copyToPod and copyFromPod. */
export interface CopyOptions {
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  /** The file or folder to copy: a local path for copyToPod, a path in the container for copyFromPod. */
  readonly source: string;
  /** Where it lands, under this name (its parent must exist): in the container, or locally. */
  readonly destination: string;
  readonly signal?: AbortSignal;
}

/**
 * Copies a local file or folder into a container as `destination` (`kubectl cp ./dir pod:/tmp/dir`). The
 * container needs `tar`; the archive is written as it is sent, never held whole in memory.
 *
 * @throws NonZeroExitCodeError (with tar's stderr) when the container's tar failed.
 */
export async function copyToPod(rest: RESTClient, options: CopyOptions): Promise<void> {
  const from = basename(options.source);
  const to = posix.basename(options.destination);
  const command = ['tar', '-xmf', '-', '-C', posix.dirname(options.destination)];
  const session = await exec(rest, { ...options, command, stdin: true, stdout: false, stderr: true });
  const archive = createTar(
    {
      cwd: dirname(options.source),
      portable: true,
      onWriteEntry: (entry) => {
        entry.path = renameRoot(entry.path, from, to);
      },
    },
    [from],
  );
  const stderr = text(session.stderr);
  const sent = pipeline(
    archive,
    padToRecord(),
    session.stdin as NodeJS.WritableStream,
    options.signal ? { signal: options.signal } : {},
  );
  await settle(command, sent, session.exitCode, stderr);
}

/**
 * Copies a file or folder out of a container to the local `destination` (`kubectl cp pod:/tmp/dir ./dir`).
 * Entries are extracted as they arrive; absolute paths and `..` in the archive are refused, as tar does.
 *
 * @throws NonZeroExitCodeError (with tar's stderr) when the container's tar failed.
 */
export async function copyFromPod(rest: RESTClient, options: CopyOptions): Promise<void> {
  const from = posix.basename(options.source);
  const to = basename(options.destination);
  const command = ['tar', 'cf', '-', '-C', posix.dirname(options.source), from];
  const session = await exec(rest, { ...options, command, stdin: false, stdout: true, stderr: true });
  const stderr = text(session.stderr);
  const extractor = extractTar({
    cwd: dirname(options.destination),
    // Only what is under the copied name: a tar that lists more is not what we asked for.
    filter: (path) => isUnder(path, from),
    onReadEntry: (entry) => {
      entry.path = renameRoot(entry.path, from, to);
    },
  });
  const received = pipeline(session.stdout as Readable, extractor, options.signal ? { signal: options.signal } : {});
  await settle(command, received, session.exitCode, stderr);
}

/**
 * Waits for both the local side and the remote tar. The remote failure explains a local one (a missing source
 * makes an empty archive, which the extractor rejects), so it wins.
 */
async function settle(
  command: readonly string[],
  local: Promise<void>,
  exitCode: Promise<number>,
  stderr: Promise<string>,
): Promise<void> {
  const [localResult, remoteResult] = await Promise.allSettled([local, exitCode]);
  if (remoteResult.status === 'rejected') throw remoteResult.reason;
  if (remoteResult.value !== 0) throw new NonZeroExitCodeError(command, remoteResult.value, await stderr);
  if (localResult.status === 'rejected') throw localResult.reason;
}

/** tar reads 20 blocks of 512 bytes at a time (GNU tar's default record). */
const tarRecordBytes = 10_240;

/**
 * Pads the archive with zeros to a whole tar record. The container's tar then finds the end-of-archive blocks
 * without waiting for end of input, so the copy completes even where stdin cannot be closed (v4 servers, some
 * kubelet implementations); zeros after the end marker are what tar itself writes.
 */
function padToRecord(): Transform {
  let length = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      length += chunk.length;
      callback(null, chunk);
    },
    flush(callback) {
      const padding = (tarRecordBytes - (length % tarRecordBytes)) % tarRecordBytes;
      callback(null, padding > 0 ? Buffer.alloc(padding) : undefined);
    },
  });
}

function isUnder(path: string, root: string): boolean {
  const clean = path.replace(/^\.\//, '');
  return clean === root || clean === `${root}/` || clean.startsWith(`${root}/`);
}

function renameRoot(path: string, from: string, to: string): string {
  const clean = path.replace(/^\.\//, '');
  return isUnder(clean, from) ? to + clean.slice(from.length) : clean;
}

async function text(readable: Readable | undefined): Promise<string> {
  let result = '';
  // tar's complaints are short; keep the last 8 KiB so a chatty tar cannot grow memory.
  if (readable) for await (const chunk of readable) result = (result + String(chunk)).slice(-8192);
  return result;
}
