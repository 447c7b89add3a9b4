/** Creates the Authenticator for a RestConfig: bearer token or token file, basic auth, exec plugin, impersonation. */
import type { RestConfig } from '../config.js';
import type { Authenticator } from './authenticator.js';
import { BasicAuthenticator } from './basic-auth.js';
import { BearerTokenAuthenticator } from './bearer-token.js';
import { AuthConfigError } from './errors.js';
import { ExecAuthenticator } from './exec-authenticator.js';
import { ImpersonatingAuthenticator } from './impersonation.js';
import { type AuthenticatorOptions, defaultExecTimeoutMs, systemClock } from './options.js';
import { CachedFileTokenSource } from './token-file.js';

export type { Authenticator, ClientCertificate } from './authenticator.js';
export { AuthConfigError, ExecPluginError, type ExecPluginFailure, TokenFileError } from './errors.js';
export { execApiVersions } from './exec-credential.js';
export { escapeExtraKey, impersonationHeaders } from './impersonation.js';
export {
  type AuthenticatorOptions,
  defaultExecTimeoutMs,
  type ExecStderrMode,
  type PassiveClock,
} from './options.js';
export { tokenFileRereadMs } from './token-file.js';

/**
 * Returns the Authenticator the transport consults before each request, following client-go's precedence: a bearer
 * token (or token file) or basic auth, else an exec plugin; the configured client certificate is the transport's,
 * and impersonation headers go on top of whichever credential applies.
 *
 * Guarantees: throws AuthConfigError (naming fields, never values) when the config mixes a bearer token with basic
 * auth or has an unusable exec section (unknown apiVersion, v1 without interactiveMode); never runs a plugin or
 * reads a file before the first request; never logs a credential.
 *
 * @example
 * const auth = createAuthenticator({ host: 'https://127.0.0.1:6443', bearerToken: token });
 * const headers = await auth.headers(); // { Authorization: 'Bearer …' }
 */
export function createAuthenticator(config: RestConfig, options: AuthenticatorOptions = {}): Authenticator {
  return new ImpersonatingAuthenticator(credentialAuthenticator(config, options), config.impersonate);
}

function credentialAuthenticator(config: RestConfig, options: AuthenticatorOptions): Authenticator | undefined {
  const logger = options.logger ?? config.logger;
  const hasToken = Boolean(config.bearerToken) || Boolean(config.bearerTokenFile);
  const hasBasic = Boolean(config.username) || Boolean(config.password);
  if (hasToken && hasBasic) {
    throw new AuthConfigError('username/password (basic auth) and a bearer token may be set, but not both');
  }
  if (hasToken) {
    const token = config.bearerToken || undefined;
    if (!config.bearerTokenFile) return new BearerTokenAuthenticator({ token: config.bearerToken ?? '' });
    const file = new CachedFileTokenSource(config.bearerTokenFile, options.clock ?? systemClock, logger);
    return new BearerTokenAuthenticator(token === undefined ? { file } : { file, token });
  }
  if (hasBasic) return new BasicAuthenticator(config.username ?? '', config.password ?? '');
  // As client-go: a configured client certificate wins over the plugin, which is then never run.
  const hasCert = Boolean(config.certData || config.certFile) && Boolean(config.keyData || config.keyFile);
  if (config.exec === undefined || hasCert) return undefined;
  return new ExecAuthenticator(
    { ...config, exec: config.exec },
    {
      clock: options.clock ?? systemClock,
      env: options.env ?? process.env,
      timeoutMs: options.execTimeoutMs ?? defaultExecTimeoutMs,
      stdinIsTerminal: options.stdinIsTerminal ?? process.stdin.isTTY === true,
      stderr: execStderrTarget(options),
      logger,
    },
  );
}

function execStderrTarget(options: AuthenticatorOptions): 'inherit' | 'discard' {
  const mode = options.execStderr ?? 'auto';
  if (mode !== 'auto') return mode;
  return (options.stderrIsTerminal ?? process.stderr.isTTY === true) ? 'inherit' : 'discard';
}
