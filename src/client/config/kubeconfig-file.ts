/** Describes a kubeconfig file exactly as it is written on disk (clientcmd's v1 `Config`), before any merging. */

/**
 * A kubeconfig file as written on disk: the `v1` `Config` kind, with kebab-case keys as kubectl writes them.
 *
 * Guarantees: a plain JSON-serialisable value; kubeloop never renames keys in it. What `loadKubeConfig` returns is
 * what kubectl holds after decoding: unknown keys and empty values dropped, `*-data` fields as canonical base64,
 * exec `provideClusterInfo` always present and `interactiveMode` defaulted to `IfAvailable` for v1beta1 plugins.
 */
export interface KubeConfigFile {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly preferences?: Readonly<Record<string, unknown>>;
  readonly clusters?: readonly NamedCluster[];
  readonly users?: readonly NamedAuthInfo[];
  readonly contexts?: readonly NamedContext[];
  readonly 'current-context'?: string;
  readonly extensions?: readonly NamedExtension[];
}

/** A cluster entry: where the apiserver is and how to trust it. */
export interface NamedCluster {
  readonly name: string;
  readonly cluster: Cluster;
}

/** How to reach and trust one apiserver. */
export interface Cluster {
  readonly server?: string;
  readonly 'tls-server-name'?: string;
  readonly 'insecure-skip-tls-verify'?: boolean;
  readonly 'certificate-authority'?: string;
  readonly 'certificate-authority-data'?: string;
  readonly 'proxy-url'?: string;
  readonly 'disable-compression'?: boolean;
  readonly extensions?: readonly NamedExtension[];
}

/** A user entry: one identity's credentials. */
export interface NamedAuthInfo {
  readonly name: string;
  readonly user: AuthInfo;
}

/** The credentials of one identity. */
export interface AuthInfo {
  readonly 'client-certificate'?: string;
  readonly 'client-certificate-data'?: string;
  readonly 'client-key'?: string;
  readonly 'client-key-data'?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly as?: string;
  readonly 'as-uid'?: string;
  readonly 'as-groups'?: readonly string[];
  readonly 'as-user-extra'?: Readonly<Record<string, readonly string[]>>;
  readonly username?: string;
  readonly password?: string;
  readonly exec?: ExecConfig;
  readonly 'auth-provider'?: { readonly name: string; readonly config?: Readonly<Record<string, string>> };
  readonly extensions?: readonly NamedExtension[];
}

/** An exec credential plugin (client.authentication.k8s.io). */
export interface ExecConfig {
  readonly apiVersion: string;
  readonly command: string;
  readonly args?: readonly string[];
  readonly env?: readonly { readonly name: string; readonly value: string }[];
  readonly installHint?: string;
  readonly provideClusterInfo?: boolean;
  readonly interactiveMode?: 'Never' | 'IfAvailable' | 'Always';
}

/** A context entry: a cluster, a user and a default namespace. */
export interface NamedContext {
  readonly name: string;
  readonly context: Context;
}

/** A (cluster, user, namespace) triple. */
export interface Context {
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
  readonly extensions?: readonly NamedExtension[];
}

/** An opaque extension kept as written. */
export interface NamedExtension {
  readonly name: string;
  readonly extension: unknown;
}
