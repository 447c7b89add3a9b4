/** Builds a RestConfig from a pod's service account: KUBERNETES_SERVICE_HOST/PORT and the mounted token and CA. */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RestConfig } from '../rest/config.js';
import { InClusterConfigError } from './errors.js';

const serviceAccountDir = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Where in-cluster config comes from; the defaults are what the kubelet mounts into every pod. */
export interface InClusterConfigOptions {
  /** Defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Defaults to `/var/run/secrets/kubernetes.io/serviceaccount/token`. */
  readonly tokenFile?: string;
  /** Defaults to `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`. */
  readonly caFile?: string;
  /** Defaults to `/var/run/secrets/kubernetes.io/serviceaccount/namespace`. */
  readonly namespaceFile?: string;
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}

/** `host:port` for a URL authority, bracketing IPv6 literals as Go's net.JoinHostPort does. */
function joinHostPort(host: string, port: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]:${port}` : `${host}:${port}`;
}

async function readableCa(file: string): Promise<string | undefined> {
  try {
    const pem = await readFile(file, 'utf8');
    return pem.includes('-----BEGIN CERTIFICATE-----') ? file : undefined;
  } catch {
    return undefined;
  }
}

async function namespaceFrom(file: string): Promise<string> {
  try {
    const namespace = (await readFile(file, 'utf8')).trim();
    return namespace === '' ? 'default' : namespace;
  } catch {
    // As kubectl does for a context without one: the service account's namespace file is optional.
    return 'default';
  }
}

/**
 * Reads in-cluster config as client-go's `rest.InClusterConfig` does. The token is given as `bearerTokenFile` so
 * the transport re-reads it (projected service-account tokens rotate); the CA file is used when it holds a
 * certificate (client-go also skips an unloadable one); the namespace comes from the namespace file, else `default`.
 *
 * @throws InClusterConfigError when KUBERNETES_SERVICE_HOST or KUBERNETES_SERVICE_PORT is unset (not in a pod) or
 *   the token file cannot be read.
 */
export async function inClusterConfig(options: InClusterConfigOptions = {}): Promise<RestConfig> {
  const env = options.env ?? process.env;
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '';
  if (host === '' || port === '') {
    throw new InClusterConfigError(
      'not running in a cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set',
    );
  }
  const tokenFile = resolve(options.tokenFile ?? `${serviceAccountDir}/token`);
  try {
    await readFile(tokenFile);
  } catch (error) {
    throw new InClusterConfigError(`cannot read the service-account token file ${tokenFile} (${errorCode(error)})`);
  }
  const caFile = await readableCa(resolve(options.caFile ?? `${serviceAccountDir}/ca.crt`));
  const namespace = await namespaceFrom(resolve(options.namespaceFile ?? `${serviceAccountDir}/namespace`));
  return {
    host: `https://${joinHostPort(host, port)}`,
    namespace,
    bearerTokenFile: tokenFile,
    ...(caFile === undefined ? {} : { caFile }),
  };
}
