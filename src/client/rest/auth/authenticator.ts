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
  /**
   * Called after a 401: drops cached credentials. Resolves true when a retry may succeed with new ones.
   * `rejected`, the headers the 401'd request carried (optional, names in any case), lets an implementation see
   * the credential was already replaced by a concurrent refresh, so a burst of 401s fetches once.
   */
  refresh(rejected?: Readonly<Record<string, string | readonly string[]>>): Promise<boolean>;
}

/** The Authorization value among `headers`, whatever the case of its name (transports often lower-case names). */
export function authorizationOf(headers: Readonly<Record<string, string | readonly string[]>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'authorization') return typeof value === 'string' ? value : value[0];
  }
  return undefined;
}
