/** Declares what a RESTClient needs to reach and authenticate to one apiserver (client-go's rest.Config). */
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { ExecConfig } from '../config/kubeconfig-file.js';

/** Who to act as: sent as Impersonate-* headers, each group as its own header. */
export interface ImpersonationConfig {
  readonly userName?: string;
  readonly uid?: string;
  readonly groups?: readonly string[];
  readonly extra?: Readonly<Record<string, readonly string[]>>;
}

/** The cluster an exec plugin is told about when `provideClusterInfo` is set (KUBERNETES_EXEC_INFO). */
export interface ExecClusterInfo {
  readonly server: string;
  readonly 'tls-server-name'?: string;
  readonly 'insecure-skip-tls-verify'?: boolean;
  readonly 'certificate-authority-data'?: string;
  readonly 'proxy-url'?: string;
  readonly 'disable-compression'?: boolean;
  readonly config?: unknown;
}

/**
 * The kubeconfig entries a RestConfig was built from (names and files, never credentials), so that TLS and 401
 * errors can point at the entry to fix.
 */
export interface RestConfigSource {
  /** The context used; absent when only a cluster override chose the cluster. */
  readonly context?: string;
  readonly cluster: string;
  /** Absent when the context names no user (anonymous access). */
  readonly user?: string;
  /** The kubeconfig file that defined the cluster; absent for a kubeconfig built in memory. */
  readonly clusterFile?: string;
  /** The kubeconfig file that defined the user; absent for a kubeconfig built in memory or no user. */
  readonly userFile?: string;
}

/**
 * Everything needed to talk to one apiserver as one identity. Built from kubeconfig (`restConfigFromKubeConfig`),
 * from in-cluster files (`inClusterConfig`) or by hand.
 *
 * Guarantees: a plain immutable value; file fields (`caFile`, `certFile`, `keyFile`, `bearerTokenFile`) are
 * absolute paths, read by the transport, never copied into logs or errors.
 */
export interface RestConfig {
  /** `https://host:port`, optionally with a path prefix. */
  readonly host: string;
  /** The default namespace of the context this came from (kubectl's `--namespace`), if any. */
  readonly namespace?: string;
  readonly tlsServerName?: string;
  readonly insecureSkipTLSVerify?: boolean;
  /** PEM, or a path: the CA bundle to trust. */
  readonly caData?: string;
  readonly caFile?: string;
  /** PEM, or a path: the client certificate and key. */
  readonly certData?: string;
  readonly certFile?: string;
  readonly keyData?: string;
  readonly keyFile?: string;
  readonly bearerToken?: string;
  /** Re-read periodically: service-account tokens rotate. */
  readonly bearerTokenFile?: string;
  readonly username?: string;
  readonly password?: string;
  readonly impersonate?: ImpersonationConfig;
  readonly exec?: ExecConfig & { readonly cluster?: ExecClusterInfo };
  /** http(s) or socks5 proxy; when absent, HTTPS_PROXY / NO_PROXY from the environment apply. */
  readonly proxyUrl?: string;
  readonly disableCompression?: boolean;
  /** Client-side rate limit; QPS < 0 disables it. Defaults documented on the RESTClient. */
  readonly qps?: number;
  readonly burst?: number;
  readonly userAgent?: string;
  /** Per-request timeout in ms for non-watch requests; 0 means none. */
  readonly timeoutMs?: number;
  /** Where kubeloop logs; credentials are redacted. */
  readonly logger?: Logger;
  /**
   * Sends every request through this undici Dispatcher instead of a pooled Agent (TLS, CA and proxy fields are then
   * unused): an in-process API server (`createFakeApiServer` from kubeloop/testing), a MockAgent, or an Agent you
   * own and close. Clients, informers and managers built from the config all use it.
   */
  readonly dispatcher?: Dispatcher;
  /** Set by `restConfigFromKubeConfig`: which kubeconfig entries this came from, named in connection errors. */
  readonly source?: RestConfigSource;
}
