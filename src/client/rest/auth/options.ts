/** Declares what createAuthenticator takes besides the RestConfig: logger, clock, environment, exec limits. */
import type { Logger } from 'pino';

/** A source of the current time in epoch milliseconds (client-go's clock.PassiveClock); tests inject a fake. */
export interface PassiveClock {
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
}

/** The default exec plugin time limit; see AuthenticatorOptions.execTimeoutMs. */
export const defaultExecTimeoutMs = 5 * 60_000;

/** A clock reading the system time. */
export const systemClock: PassiveClock = { now: () => Date.now() };
