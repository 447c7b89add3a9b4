/** Authenticates with a username and password (HTTP basic auth). */
import type { Authenticator, ClientCertificate } from './authenticator.js';

/**
 * Sends `Authorization: Basic base64(user:password)` (client-go's basicAuthRoundTripper).
 *
 * Guarantees: the header is computed once; `refresh()` resolves false (the same password cannot start working);
 * the password is never logged.
 */
export class BasicAuthenticator implements Authenticator {
  readonly #headers: Readonly<Record<string, string>>;

  constructor(username: string, password: string) {
    const encoded = Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
    this.#headers = Object.freeze({ Authorization: `Basic ${encoded}` });
  }

  async headers(): Promise<Readonly<Record<string, string>>> {
    return this.#headers;
  }

  async clientCertificate(): Promise<ClientCertificate | undefined> {
    return undefined;
  }

  async refresh(): Promise<boolean> {
    return false;
  }
}
