/** Authenticates with a bearer token, static or read from a rotating token file. */
import { type Authenticator, authorizationOf, type ClientCertificate } from './authenticator.js';
import type { CachedFileTokenSource } from './token-file.js';

/** Where the token comes from: a fixed string, or a file with the static token as fallback (client-go's order). */
export type BearerTokenSource =
  | { readonly token: string }
  | { readonly file: CachedFileTokenSource; readonly token?: string };

/**
 * Sends `Authorization: Bearer <token>` (client-go's bearerAuthRoundTripper).
 *
 * Guarantees: when a token file is given its token wins, and the static token is used only while the file cannot
 * be read (as in client-go); `refresh()` re-reads the file and resolves true only when the token changed, so a retry
 * is attempted only when it can succeed; the token is never logged.
 */
export class BearerTokenAuthenticator implements Authenticator {
  readonly #source: BearerTokenSource;

  constructor(source: BearerTokenSource) {
    this.#source = source;
  }

  async headers(signal?: AbortSignal): Promise<Readonly<Record<string, string>>> {
    return { Authorization: await this.#header(signal) };
  }

  async clientCertificate(): Promise<ClientCertificate | undefined> {
    return undefined;
  }

  async refresh(rejected?: Readonly<Record<string, string | readonly string[]>>): Promise<boolean> {
    if (!('file' in this.#source)) return false;
    const sent = rejected === undefined ? undefined : authorizationOf(rejected);
    const before = sent ?? (await this.#header().catch(() => undefined));
    this.#source.file.invalidate();
    const after = await this.#header().catch(() => undefined);
    return after !== undefined && after !== before;
  }

  async #header(signal?: AbortSignal): Promise<string> {
    return `Bearer ${await this.#current(signal)}`;
  }

  #current(signal?: AbortSignal): Promise<string> {
    const source = this.#source;
    if (!('file' in source)) return Promise.resolve(source.token);
    const read = source.file.token(signal);
    const fallback = source.token;
    // An abort is the caller's choice, not an unreadable file: do not mask it with the fallback.
    return fallback === undefined
      ? read
      : read.catch((error: unknown) => (signal?.aborted ? Promise.reject(error) : fallback));
  }
}
