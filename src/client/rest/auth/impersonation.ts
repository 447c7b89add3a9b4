/** Builds the Impersonate-* request headers client-go sends for an ImpersonationConfig. */
import type { ImpersonationConfig } from '../config.js';
import type { Authenticator, ClientCertificate } from './authenticator.js';

/** Header names of the impersonation protocol. */
const userHeader = 'Impersonate-User';
const uidHeader = 'Impersonate-Uid';
const groupHeader = 'Impersonate-Group';
const extraHeaderPrefix = 'Impersonate-Extra-';

// RFC 7230 tchar: the bytes a header name may hold unescaped.
const tokenPunctuation = new Set("!#$&'*+-.^_`|~");

/**
 * Escapes an extra's key for use in a header name as client-go does: every UTF-8 byte that is not a header token
 * byte, and `%` itself, becomes `%XX`. The apiserver reverses this (after lower-casing the name).
 */
export function escapeExtraKey(key: string): string {
  let out = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    const isToken = /[A-Za-z0-9]/.test(char) || tokenPunctuation.has(char);
    out += isToken ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Returns the headers that make the apiserver act as `config`'s identity: one `Impersonate-Group` value per group
 * and one `Impersonate-Extra-<key>` value per extra value, hence array values. Empty when nothing is impersonated.
 */
export function impersonationHeaders(config: ImpersonationConfig | undefined): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  if (config === undefined) return headers;
  if (config.userName) headers[userHeader] = config.userName;
  if (config.uid) headers[uidHeader] = config.uid;
  if (config.groups !== undefined && config.groups.length > 0) headers[groupHeader] = [...config.groups];
  for (const [key, values] of Object.entries(config.extra ?? {})) {
    if (values.length > 0) headers[extraHeaderPrefix + escapeExtraKey(key)] = [...values];
  }
  return headers;
}

/**
 * Adds the Impersonate-* headers to another authenticator's (client-go's impersonatingRoundTripper), or sends
 * them alone when there is no credential besides the TLS client certificate.
 *
 * Guarantees: the impersonation headers are computed once; certificates and refreshes are the inner
 * authenticator's.
 */
export class ImpersonatingAuthenticator implements Authenticator {
  readonly #inner: Authenticator | undefined;
  readonly #impersonation: Readonly<Record<string, string | string[]>>;

  constructor(inner: Authenticator | undefined, config: ImpersonationConfig | undefined) {
    this.#inner = inner;
    this.#impersonation = impersonationHeaders(config);
  }

  async headers(signal?: AbortSignal): Promise<Readonly<Record<string, string | readonly string[]>>> {
    if (this.#inner === undefined) return this.#impersonation;
    return { ...(await this.#inner.headers(signal)), ...this.#impersonation };
  }

  clientCertificate(signal?: AbortSignal): Promise<ClientCertificate | undefined> {
    return this.#inner?.clientCertificate(signal) ?? Promise.resolve(undefined);
  }

  refresh(rejected?: Readonly<Record<string, string | readonly string[]>>): Promise<boolean> {
    return this.#inner?.refresh(rejected) ?? Promise.resolve(false);
  }
}
