/** Defines the errors of exec, attach, port-forward, copy and log streams. */
import { KubeloopError } from '../../errors.js';
import type { Status } from '../meta.js';

/** The server broke the stream protocol (bad handshake, unknown subprotocol, malformed frame). Not retryable. */
export class StreamProtocolError extends KubeloopError<'STREAM_PROTOCOL'> {
  readonly code = 'STREAM_PROTOCOL' as const;
}

/**
 * The connection ended before the server said how the stream ended (reset, or closed without a close frame).
 * Retrying re-runs the command: only the caller knows whether that is safe.
 */
export class StreamClosedError extends KubeloopError<'STREAM_CLOSED'> {
  readonly code = 'STREAM_CLOSED' as const;
}

/**
 * The remote command could not run or failed for another reason than its exit code (container not found, command
 * not found, runtime error): the Status the server sent on the error channel.
 */
export class RemoteCommandError extends KubeloopError<'REMOTE_COMMAND'> {
  readonly code = 'REMOTE_COMMAND' as const;
  readonly status: Status;

  constructor(status: Status) {
    super(status.message || `the remote command failed (${status.reason ?? 'no reason given'})`);
    this.status = status;
  }
}

/** A command exited non-zero where success was required (`execCommand` with `check: true`, copy). */
export class NonZeroExitCodeError extends KubeloopError<'NON_ZERO_EXIT_CODE'> {
  readonly code = 'NON_ZERO_EXIT_CODE' as const;
  readonly exitCode: number;
  /** The command's stderr, decoded as UTF-8, when it was captured. */
  readonly stderr: string;

  constructor(command: readonly string[], exitCode: number, stderr = '') {
    const tail = stderr.trim() ? `: ${stderr.trim().slice(-500)}` : '';
    super(`command ${JSON.stringify(command[0] ?? '')} exited with code ${exitCode}${tail}`);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

/** The pod side of one forwarded connection failed (nothing listening on the port, pod gone): the server's text. */
export class PortForwardError extends KubeloopError<'PORT_FORWARD'> {
  readonly code = 'PORT_FORWARD' as const;
  readonly remotePort: number;

  constructor(remotePort: number, message: string) {
    super(`port-forward to pod port ${remotePort} failed: ${message}`);
    this.remotePort = remotePort;
  }
}
