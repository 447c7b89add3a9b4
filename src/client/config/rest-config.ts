/** Builds a RestConfig from a loaded kubeconfig and kubectl-style overrides (context, cluster, user, namespace). */
import { readFileSync } from 'node:fs';
import type { ExecClusterInfo, ImpersonationConfig, RestConfig, RestConfigSource } from '../rest/config.js';
import { KubeConfigError, type KubeConfigErrorLocation } from './errors.js';
import type { AuthInfo, Cluster, Context, KubeConfigFile } from './kubeconfig-file.js';
import type { LoadedKubeConfig } from './merge.js';
import { baseDirOf, resolveAuthInfoPaths, resolveClusterPaths } from './paths.js';
import { decodeCertificates, decodePrivateKey } from './pem.js';
import { checkAuthInfo, checkCluster } from './usable.js';

/** kubectl's `--context`, `--cluster`, `--user` and `--namespace`. */
export interface KubeConfigOverrides {
  readonly context?: string;
  readonly cluster?: string;
  readonly user?: string;
  readonly namespace?: string;
}

// kubectl's namespace when neither the flag nor the context names one.
const defaultNamespace = 'default';
// client-go passes the cluster's extension under this name to exec plugins as `config`.
const execExtensionName = 'client.authentication.k8s.io/exec';

function isLoaded(value: LoadedKubeConfig | KubeConfigFile): value is LoadedKubeConfig {
  return 'origins' in value && 'config' in value;
}

function inMemory(config: KubeConfigFile): LoadedKubeConfig {
  return { config, origins: { clusters: new Map(), users: new Map(), contexts: new Map() }, files: [] };
}

/** The chosen context (absent when only overrides name a cluster), cluster and user. */
interface Selection {
  readonly context: Context | undefined;
  readonly clusterName: string;
  readonly cluster: Cluster;
  readonly userName: string;
  readonly user: AuthInfo;
}

function at(entry: string, file: string | undefined): KubeConfigErrorLocation {
  return file === undefined ? { entry } : { file, entry };
}

function missing(problem: string, entry: string, file?: string): KubeConfigError {
  return new KubeConfigError('KUBECONFIG_ENTRY_MISSING', problem, at(entry, file));
}

function select(loaded: LoadedKubeConfig, overrides: KubeConfigOverrides): Selection {
  const { config, origins } = loaded;
  // An empty override means no override, as an empty kubectl flag does.
  const contextName = overrides.context || config['current-context'] || '';
  let context: Context | undefined;
  if (contextName !== '') {
    context = config.contexts?.find((c) => c.name === contextName)?.context;
    if (context === undefined) throw missing(`context "${contextName}" does not exist`, `contexts[${contextName}]`);
  } else if (!overrides.cluster) {
    throw missing('no current-context is set and no context or cluster was given', 'current-context');
  }
  const contextFile = origins.contexts.get(contextName);
  const clusterName = overrides.cluster || context?.cluster || '';
  const cluster = config.clusters?.find((c) => c.name === clusterName)?.cluster;
  if (cluster === undefined) {
    const problem = `cluster "${clusterName}" does not exist`;
    throw missing(
      !overrides.cluster ? `${problem} (named by context "${contextName}")` : problem,
      `clusters[${clusterName}]`,
      contextFile,
    );
  }
  const userName = overrides.user || context?.user || '';
  // A context without a user is anonymous access; a named user that is absent is an error.
  const user = userName === '' ? {} : config.users?.find((u) => u.name === userName)?.user;
  if (user === undefined) {
    const problem = `user "${userName}" does not exist`;
    throw missing(
      !overrides.user ? `${problem} (named by context "${contextName}")` : problem,
      `users[${userName}]`,
      contextFile,
    );
  }
  return { context, clusterName, cluster, userName, user };
}

/** Makes file fields absolute even when the kubeconfig was loaded with `resolvePaths: false`. */
function absolute(loaded: LoadedKubeConfig, selection: Selection): { cluster: Cluster; user: AuthInfo } {
  const clusterFile = loaded.origins.clusters.get(selection.clusterName);
  const userFile = loaded.origins.users.get(selection.userName);
  const base = (file: string | undefined) => (file === undefined ? process.cwd() : baseDirOf(file));
  return {
    cluster: resolveClusterPaths(selection.cluster, base(clusterFile)),
    user: resolveAuthInfoPaths(selection.user, base(userFile)),
  };
}

/** Drops unset fields; an empty string counts as unset, as in clientcmd. */
function defined<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined && item !== '')) as T;
}

function impersonation(user: AuthInfo): ImpersonationConfig | undefined {
  const value = defined<ImpersonationConfig>({
    userName: user.as,
    uid: user['as-uid'],
    groups: user['as-groups']?.length ? user['as-groups'] : undefined,
    extra: user['as-user-extra'] && Object.keys(user['as-user-extra']).length > 0 ? user['as-user-extra'] : undefined,
  });
  return Object.keys(value).length === 0 ? undefined : value;
}

function execClusterInfo(cluster: Cluster, server: string, where: KubeConfigErrorLocation): ExecClusterInfo {
  let caData = cluster['certificate-authority-data'];
  const caFile = cluster['certificate-authority'];
  if (caData === undefined && caFile !== undefined) {
    // client-go reads the CA file once, when the plugin's cluster info is built.
    try {
      caData = readFileSync(caFile).toString('base64');
    } catch {
      throw new KubeConfigError('KUBECONFIG_INVALID', 'cannot read the CA file for the exec plugin', {
        ...where,
        field: 'certificate-authority',
      });
    }
  }
  const extension = cluster.extensions?.find((e) => e.name === execExtensionName)?.extension;
  return defined<ExecClusterInfo>({
    server,
    'tls-server-name': cluster['tls-server-name'],
    'insecure-skip-tls-verify': cluster['insecure-skip-tls-verify'],
    'certificate-authority-data': caData,
    'proxy-url': cluster['proxy-url'],
    'disable-compression': cluster['disable-compression'],
    config: extension,
  });
}

/** Accepts `host:port` without a scheme, as kubectl does, and checks the result is an http(s) URL. */
function serverUrl(server: string, where: KubeConfigErrorLocation): string {
  const withScheme = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\//.test(server) ? server : `https://${server}`;
  const fail = (problem: string) => new KubeConfigError('KUBECONFIG_INVALID', problem, { ...where, field: 'server' });
  if (server === '') throw fail('no server is set');
  if (!URL.canParse(withScheme)) throw fail('is not a URL');
  const { protocol } = new URL(withScheme);
  if (protocol !== 'https:' && protocol !== 'http:') throw fail('must be an http or https URL');
  return withScheme;
}

/**
 * Builds the RestConfig for one context as kubectl would: `overrides.context` or `current-context` picks the
 * context; `overrides.cluster`/`user` replace its cluster/user; `overrides.namespace`, else the context's, else
 * `default`. Inline `*-data` credentials are decoded to PEM and parsed; file fields become absolute paths.
 *
 * @param kubeConfig - what `loadKubeConfig` returned, or a kubeconfig built in memory (its relative paths then
 *   resolve against the working directory).
 * @throws KubeConfigError `KUBECONFIG_ENTRY_MISSING` when the context, cluster or user does not exist;
 *   `KUBECONFIG_INVALID` when the chosen cluster or user cannot be used (each naming file, entry and field).
 */
export function restConfigFromKubeConfig(
  kubeConfig: LoadedKubeConfig | KubeConfigFile,
  overrides: KubeConfigOverrides = {},
): RestConfig {
  const loaded = isLoaded(kubeConfig) ? kubeConfig : inMemory(kubeConfig);
  const selection = select(loaded, overrides);
  const { cluster, user } = absolute(loaded, selection);
  const clusterAt = at(`clusters[${selection.clusterName}]`, loaded.origins.clusters.get(selection.clusterName));
  const userAt = at(`users[${selection.userName}]`, loaded.origins.users.get(selection.userName));
  checkCluster(cluster, clusterAt);
  checkAuthInfo(user, userAt);
  const host = serverUrl(cluster.server ?? '', clusterAt);
  const certData = user['client-certificate-data'];
  const keyData = user['client-key-data'];
  const caData = cluster['certificate-authority-data'];
  const exec = user.exec;
  return defined<RestConfig>({
    host,
    namespace: overrides.namespace || selection.context?.namespace || defaultNamespace,
    tlsServerName: cluster['tls-server-name'],
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'],
    caData:
      caData === undefined
        ? undefined
        : decodeCertificates(caData, { ...clusterAt, field: 'certificate-authority-data' }),
    caFile: cluster['certificate-authority'],
    certData:
      certData === undefined
        ? undefined
        : decodeCertificates(certData, { ...userAt, field: 'client-certificate-data' }),
    certFile: user['client-certificate'],
    keyData: keyData === undefined ? undefined : decodePrivateKey(keyData, { ...userAt, field: 'client-key-data' }),
    keyFile: user['client-key'],
    bearerToken: user.token,
    bearerTokenFile: user.tokenFile,
    username: user.username,
    password: user.password,
    impersonate: impersonation(user),
    exec:
      exec === undefined
        ? undefined
        : exec.provideClusterInfo === true
          ? { ...exec, cluster: execClusterInfo(cluster, host, clusterAt) }
          : exec,
    proxyUrl: cluster['proxy-url'],
    disableCompression: cluster['disable-compression'],
    source: sourceOf(loaded, selection, overrides),
  });
}

/** The entries behind the config, for error messages: the context only when one was used. */
function sourceOf(loaded: LoadedKubeConfig, selection: Selection, overrides: KubeConfigOverrides): RestConfigSource {
  const contextName = overrides.context || loaded.config['current-context'] || '';
  return defined<RestConfigSource>({
    context: selection.context === undefined ? undefined : contextName,
    cluster: selection.clusterName,
    user: selection.userName,
    clusterFile: loaded.origins.clusters.get(selection.clusterName),
    userFile: loaded.origins.users.get(selection.userName),
  });
}
