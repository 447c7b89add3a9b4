/** Declares what createAuthenticator takes besides the RestConfig: logger, clock, environment, exec limits. */
import type { Logger } from 'pino';

/** A source of the current time in epoch milliseconds (client-go's clock.PassiveClock); tests inject a fake. */
export interface PassiveClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** Options of createAuthenticator; every field has a production default. */
export interface AuthenticatorOptions {
  /** Where warnings go (token file rotation failures, exec runs); defaults to `config.logger`, else silence. */
  readonly logger?: Logger;
  /** Defaults to `Date.now`. */
  readonly clock?: PassiveClock;
  /** The environment exec plugins inherit (before the config's `env` entries); defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * How long one exec plugin run may take before it is killed, in ms; 0 means no limit. Default 5 minutes:
   * client-go waits forever, which hangs every request behind a stuck plugin; browser-based logins (kubelogin
   * waits 3 minutes for its callback by default) must still fit.
   */
  readonly execTimeoutMs?: number;
  /** Whether our stdin is a terminal, for `interactiveMode`; defaults to `process.stdin.isTTY`. */
  readonly stdinIsTerminal?: boolean;
  /**
   * Where a non-interactive exec plugin's stderr goes. It is never quoted in an error or a log line: plugins print
   * tokens, device codes and login URLs there, and errors end up in logs. `auto` (the default) copies it to this
   * process's stderr when that is a terminal (a person runs the program, as with kubectl) and discards it
   * otherwise (a service, whose stderr is usually collected as logs); `inherit` always copies it; `discard` never.
   * Interactive runs always share our stderr, for their prompts.
   */
  readonly execStderr?: ExecStderrMode;
  /** Whether our stderr is a terminal, for `execStderr: 'auto'`; defaults to `process.stderr.isTTY`. */
  readonly stderrIsTerminal?: boolean;
}

/** See AuthenticatorOptions.execStderr. */
export type ExecStderrMode = 'auto' | 'inherit' | 'discard';

/** The default exec plugin time limit; see AuthenticatorOptions.execTimeoutMs. */
export const defaultExecTimeoutMs = 5 * 60_000;

/** A clock reading the system time. */
export const systemClock: PassiveClock = { now: () => Date.now() };
