/** Defines the errors raised while obtaining credentials: bad auth configuration and failing exec plugins. */
import { KubeloopError } from '../../../errors.js';

/**
 * The authentication settings of a RestConfig cannot be used (e.g. a bearer token and basic auth together).
 *
 * Guarantees: the message names the offending fields, never their values. Not retryable: fix the config.
 */
export class AuthConfigError extends KubeloopError<'AUTH_CONFIG'> {
  readonly code = 'AUTH_CONFIG';
}

/**
 * A bearer token file could not be read, and no earlier read succeeded to fall back on.
 *
 * Guarantees: the message names the file and the system error code, never the file's contents.
 */
export class TokenFileError extends KubeloopError<'TOKEN_FILE'> {
  readonly code = 'TOKEN_FILE';
}

/** Why an exec credential plugin gave no credential. */
export type ExecPluginFailure = 'not-found' | 'spawn' | 'exit' | 'timeout' | 'interactive' | 'bad-output' | 'aborted';

/**
 * An exec credential plugin could not be run or gave no usable credential.
 *
 * Guarantees: `failure` says which step failed (`aborted`: every caller waiting for the run aborted, and it was
 * killed); the message names the command, the exit code of a failed run and the install hint of a missing one; it
 * never contains the plugin's stdout (where credentials live) nor its stderr (where plugins print tokens and login
 * codes too; see AuthenticatorOptions.execStderr). Every failure except `interactive` may succeed on a later
 * attempt.
 */
export class ExecPluginError extends KubeloopError<'EXEC_PLUGIN'> {
  readonly code = 'EXEC_PLUGIN';
  readonly failure: ExecPluginFailure;
  /** The plugin's exit code, when it ran and exited non-zero. */
  readonly exitCode: number | undefined;

  constructor(failure: ExecPluginFailure, message: string, options?: ErrorOptions & { exitCode?: number }) {
    super(message, options);
    this.failure = failure;
    this.exitCode = options?.exitCode;
  }
}
