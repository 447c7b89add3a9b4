/** Authenticates with the credential an exec plugin prints, cached until it expires or the server rejects it. */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { ExecConfig } from '../../config/kubeconfig-file.js';
import type { ExecClusterInfo, RestConfig } from '../config.js';
import { type Authenticator, authorizationOf, type ClientCertificate } from './authenticator.js';
import { AuthConfigError, ExecPluginError } from './errors.js';
import { type ExecCredentialResult, execApiVersions, execInfo, parseExecCredential } from './exec-credential.js';
import { type ExecStderrTarget, runExecPlugin } from './exec-process.js';
import type { PassiveClock } from './options.js';
import { SingleFlight } from './single-flight.js';

/** What the exec authenticator needs besides the config. */
export interface ExecAuthenticatorDeps {
  readonly clock: PassiveClock;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
  readonly stdinIsTerminal: boolean;
  /** Where a non-interactive run's stderr goes (resolved from AuthenticatorOptions.execStderr). */
  readonly stderr: ExecStderrTarget;
  readonly logger: Logger | undefined;
}

type InteractiveMode = NonNullable<ExecConfig['interactiveMode']>;

/**
 * Runs an exec credential plugin (client.authentication.k8s.io v1 or v1beta1) and uses what it prints: a bearer
 * token, a client certificate, or both (client-go's exec Authenticator).
 *
 * Guarantees: the credential is reused until its `expirationTimestamp` passes, or, without one, until `refresh()`;
 * concurrent callers share one plugin run, which is killed as soon as every caller waiting for it aborted;
 * `refresh()` after a 401 drops the credential only when it is the one that was rejected (so a burst of 401s runs
 * the plugin once) and resolves true; neither the credential nor the plugin's stdout or stderr is ever logged or
 * put in an error (a failure names the command and the exit code).
 *
 * Differs from client-go: a run is killed after `execTimeoutMs` (client-go waits forever) or once nobody waits for
 * it; a non-interactive run's stderr reaches our stderr only when that is a terminal or `execStderr` is `inherit`
 * (client-go always copies it to its stderr), since a service's stderr usually ends up in its logs.
 */
export class ExecAuthenticator implements Authenticator {
  readonly #config: ExecConfig;
  readonly #restConfig: RestConfig;
  readonly #deps: ExecAuthenticatorDeps;
  readonly #mode: InteractiveMode;
  readonly #runs = new SingleFlight<Cached>();
  // Invariant: the last credential the plugin returned, until it expires or is rejected.
  #cached: Cached | undefined;

  constructor(restConfig: RestConfig & { readonly exec: ExecConfig }, deps: ExecAuthenticatorDeps) {
    const config = restConfig.exec;
    if (!execApiVersions.includes(config.apiVersion)) {
      throw new AuthConfigError(
        `exec plugin: invalid apiVersion "${config.apiVersion}"; supported: ${execApiVersions.join(', ')}`,
      );
    }
    if (!config.command) throw new AuthConfigError('exec plugin: command is required');
    this.#mode = interactiveMode(config);
    this.#config = config;
    this.#restConfig = restConfig;
    this.#deps = deps;
  }

  async headers(signal?: AbortSignal): Promise<Readonly<Record<string, string>>> {
    return (await this.#credential(signal)).headers;
  }

  async clientCertificate(signal?: AbortSignal): Promise<ClientCertificate | undefined> {
    return (await this.#credential(signal)).result.certificate;
  }

  async refresh(rejected?: Readonly<Record<string, string | readonly string[]>>): Promise<boolean> {
    const cached = this.#cached;
    // Already replaced since the rejected request was sent: retry with the new one, do not run the plugin again.
    const alreadyRotated =
      rejected !== undefined && cached !== undefined && authorizationOf(rejected) !== cached.headers.Authorization;
    if (!alreadyRotated) this.#cached = undefined;
    return true;
  }

  #credential(signal: AbortSignal | undefined): Promise<Cached> {
    const cached = this.#cached;
    if (cached !== undefined && !this.#expired(cached)) return Promise.resolve(cached);
    return this.#runs.do((runSignal) => this.#run(runSignal), signal);
  }

  #expired(cached: Cached): boolean {
    const at = cached.result.expiresAt;
    return at !== undefined && this.#deps.clock.now() > at;
  }

  async #run(signal: AbortSignal): Promise<Cached> {
    const { command, apiVersion } = this.#config;
    const interactive = this.#interactive();
    const cluster = this.#config.provideClusterInfo ? await this.#clusterInfo() : undefined;
    const env: NodeJS.ProcessEnv = { ...this.#deps.env };
    for (const { name, value } of this.#config.env ?? []) env[name] = value;
    env.KUBERNETES_EXEC_INFO = execInfo(apiVersion, interactive, cluster);
    this.#deps.logger?.debug({ command, interactive }, 'running exec credential plugin');
    const stdout = await runExecPlugin({
      command,
      args: this.#config.args ?? [],
      env,
      interactive,
      stderr: this.#deps.stderr,
      timeoutMs: this.#deps.timeoutMs,
      installHint: this.#config.installHint,
      signal,
    });
    const result = parseExecCredential(stdout, command, apiVersion);
    const headers: Record<string, string> =
      result.token === undefined ? {} : { Authorization: `Bearer ${result.token}` };
    const fresh: Cached = { result, headers: Object.freeze(headers) };
    this.#cached = fresh;
    return fresh;
  }

  #interactive(): boolean {
    switch (this.#mode) {
      case 'Never':
        return false;
      case 'IfAvailable':
        return this.#deps.stdinIsTerminal;
      case 'Always':
        if (this.#deps.stdinIsTerminal) return true;
        throw new ExecPluginError(
          'interactive',
          `exec plugin ${this.#config.command} needs interactiveMode Always, but standard input is not a terminal`,
        );
    }
  }

  /** The cluster the plugin is told about: the config's own record, else derived from the RestConfig as client-go does. */
  async #clusterInfo(): Promise<ExecClusterInfo> {
    if (this.#restConfig.exec?.cluster !== undefined) return this.#restConfig.exec.cluster;
    const c = this.#restConfig;
    const ca = c.caData ?? (c.caFile === undefined ? undefined : await readFile(c.caFile, 'utf8'));
    return {
      server: c.host,
      ...(c.tlsServerName === undefined ? {} : { 'tls-server-name': c.tlsServerName }),
      ...(c.insecureSkipTLSVerify === undefined ? {} : { 'insecure-skip-tls-verify': c.insecureSkipTLSVerify }),
      ...(ca === undefined ? {} : { 'certificate-authority-data': Buffer.from(ca, 'utf8').toString('base64') }),
      ...(c.proxyUrl === undefined ? {} : { 'proxy-url': c.proxyUrl }),
      ...(c.disableCompression === undefined ? {} : { 'disable-compression': c.disableCompression }),
    };
  }
}

interface Cached {
  readonly result: ExecCredentialResult;
  readonly headers: Readonly<Record<string, string>>;
}

/** v1 requires an explicit interactiveMode; v1beta1 defaults to IfAvailable (as clientcmd does). */
function interactiveMode(config: ExecConfig): InteractiveMode {
  const mode = config.interactiveMode;
  if (mode === undefined || (mode as string) === '') {
    if (config.apiVersion === 'client.authentication.k8s.io/v1') {
      throw new AuthConfigError(`exec plugin: interactiveMode must be specified for ${config.apiVersion}`);
    }
    return 'IfAvailable';
  }
  if (mode !== 'Never' && mode !== 'IfAvailable' && mode !== 'Always') {
    throw new AuthConfigError(`exec plugin: unknown interactiveMode "${String(mode)}"`);
  }
  return mode;
}
