/** Declares how a RESTClient obtains and refreshes credentials, whatever their source. */

/** A TLS client identity, PEM. */
export interface ClientCertificate {
  readonly cert: string;
  readonly key: string;
}

/**
 * The credentials for one request. The transport asks for them before every request (and every retry).
 *
 * Guarantees of implementations: concurrent calls share one underlying fetch (one exec invocation, one file
 * read); returned values are never logged.
 */
export interface Authenticator {
  /** Headers to set (Authorization, Impersonate-*); may wait on an exec plugin or a token file. */
  headers(signal?: AbortSignal): Promise<Readonly<Record<string, string | readonly string[]>>>;
  /** A client certificate that replaces the configured one (exec plugins may return one), if any. */
  clientCertificate(signal?: AbortSignal): Promise<ClientCertificate | undefined>;
  /** Called after a 401: drops cached credentials. Resolves true when a retry may succeed with new ones. */
  refresh(): Promise<boolean>;
}
