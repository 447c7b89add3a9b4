/** Explains TLS verification failures and 401s by naming the server, the kubeconfig entries and the auth method. */
import type { RestConfig, RestConfigSource } from './config.js';
import { TransportError } from './errors.js';

/** How a client authenticates, as far as an error message may say: kinds and file paths, never a credential. */
export type AuthMethod =
  | { readonly kind: 'token' }
  | { readonly kind: 'token-file'; readonly file: string }
  | { readonly kind: 'exec'; readonly command: string }
  | { readonly kind: 'client-certificate'; readonly file: string | undefined }
  | { readonly kind: 'basic'; readonly username: string }
  | { readonly kind: 'custom' }
  | { readonly kind: 'none' };

/**
 * What errors at the connection and auth edge of one RESTClient may say about its config.
 *
 * Guarantees: holds no credential (no token, password, key or certificate, no exec args or env), only the
 * server URL, file paths, entry names and the exec command.
 */
export interface ConnectionContext {
  readonly server: string;
  readonly auth: AuthMethod;
  /** Which CA the client trusts: a file, inline data, or (undefined) the system's roots. */
  readonly ca: { readonly file: string } | { readonly inline: true } | undefined;
  readonly tlsServerName: string | undefined;
  /** The kubeconfig entries the config was built from, when it was. */
  readonly source: RestConfigSource | undefined;
}

/**
 * The ConnectionContext of `config`, following createAuthenticator's precedence (a token or token file, else basic
 * auth, else a client certificate, else an exec plugin); `customAuthenticator` when the client was given its own.
 */
export function connectionContext(config: RestConfig, customAuthenticator = false): ConnectionContext {
  return {
    server: config.host,
    auth: customAuthenticator ? { kind: 'custom' } : authMethodOf(config),
    ca: config.caFile ? { file: config.caFile } : config.caData ? { inline: true } : undefined,
    tlsServerName: config.tlsServerName || undefined,
    source: config.source,
  };
}

function authMethodOf(config: RestConfig): AuthMethod {
  if (config.bearerTokenFile) return { kind: 'token-file', file: config.bearerTokenFile };
  if (config.bearerToken) return { kind: 'token' };
  if (config.username || config.password) return { kind: 'basic', username: config.username ?? '' };
  const certFile = config.certFile || undefined;
  if ((config.certData || certFile) && (config.keyData || config.keyFile)) {
    return { kind: 'client-certificate', file: certFile };
  }
  if (config.exec !== undefined) return { kind: 'exec', command: config.exec.command };
  return { kind: 'none' };
}

/** What the server rejected, for a 401's message. */
export function describeAuthMethod(auth: AuthMethod): string {
  switch (auth.kind) {
    case 'token':
      return 'the bearer token of the config';
    case 'token-file':
      return `the bearer token read from the token file ${auth.file}`;
    case 'exec':
      return `the credential printed by the exec plugin ${auth.command}`;
    case 'client-certificate':
      return `the client certificate ${auth.file ?? '(inline client-certificate-data)'}`;
    case 'basic':
      return `the basic-auth password of user "${auth.username}"`;
    case 'custom':
      return 'the credentials of the authenticator passed to RESTClient.forConfig';
    case 'none':
      return 'an anonymous request: the config has no credentials';
  }
}

/** The detail a 401's message gains: the auth method in use and the kubeconfig user it came from. */
export function unauthorizedDetail(context: ConnectionContext): string {
  const source = context.source;
  const where =
    source === undefined
      ? ''
      : source.user === undefined
        ? ` (kubeconfig${contextOf(source).replace(',', '')} has no user)`
        : ` (kubeconfig user "${source.user}"${contextOf(source)}${fileOf(source.userFile)})`;
  return `${server(context)} rejected ${describeAuthMethod(context.auth)}${where}`;
}

// OpenSSL's verification errors meaning "no trusted CA signed this certificate".
const untrustedCodes = new Set([
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
  'INVALID_CA',
]);
const validityCodes = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const hostnameCodes = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);
const otherCodes = new Set([
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
  'CERT_REJECTED',
]);
// Node appends this to some verification errors; it misleads here, where the CA comes from the kubeconfig.
const nodeSystemCaHint = /; if the root CA is installed locally, try running Node\.js with --use-system-ca/;

/** The first error in the cause chain with a TLS certificate verification code, if any. */
function tlsVerificationFailure(error: unknown): (Error & { code: string }) | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') {
      if (untrustedCodes.has(code) || validityCodes.has(code) || hostnameCodes.has(code) || otherCodes.has(code)) {
        return current as Error & { code: string };
      }
    }
    current = current.cause;
  }
  return undefined;
}

/**
 * The TransportError for a request that got no response. A TLS verification failure gets a message naming the
 * server, the kubeconfig cluster and context, and what to change (`certificate-authority`, `tls-server-name`),
 * instead of Node's hint about the system CA store; any other failure keeps undici's message.
 */
export function transportError(
  verb: string,
  path: string,
  error: unknown,
  context: ConnectionContext | undefined,
): TransportError {
  const tls = context === undefined ? undefined : tlsVerificationFailure(error);
  if (context === undefined || tls === undefined) return new TransportError(verb, path, error);
  const nodeMessage = tls.message.replace(nodeSystemCaHint, '');
  // Keep the code, drop the misleading hint: a log of the cause chain must not repeat it.
  const cause = nodeMessage === tls.message ? tls : Object.assign(new Error(nodeMessage), { code: tls.code });
  return new TransportError(verb, path, cause, tlsExplanation(tls.code, nodeMessage, context));
}

function tlsExplanation(code: string, nodeMessage: string, context: ConnectionContext): string {
  const where = clusterWhere(context);
  if (untrustedCodes.has(code)) {
    return (
      `the TLS certificate of ${server(context)} is not signed by a certificate authority this client trusts ` +
      `(${code}: ${nodeMessage}). It trusts ${trusted(context)}${where}. Set the cluster's certificate-authority ` +
      `(a file) or certificate-authority-data to the CA that signed the apiserver's serving certificate.`
    );
  }
  if (validityCodes.has(code)) {
    return (
      `the TLS certificate of ${server(context)} is not valid now (${code}: ${nodeMessage})${where}. ` +
      `Renew the apiserver's serving certificate, or check this machine's clock.`
    );
  }
  if (hostnameCodes.has(code)) {
    const name = context.tlsServerName === undefined ? 'its host' : `tls-server-name "${context.tlsServerName}"`;
    return (
      `the TLS certificate of ${server(context)} does not cover ${name} (${code}: ${nodeMessage})${where}. ` +
      `Set the cluster's tls-server-name to a name the certificate covers, or use such a name in its server URL.`
    );
  }
  return `cannot verify the TLS certificate of ${server(context)} (${code}: ${nodeMessage})${where}.`;
}

function trusted(context: ConnectionContext): string {
  const ca = context.ca;
  if (ca === undefined) return "only the system's root certificates, as no certificate-authority is configured";
  if ('file' in ca) return `the certificate-authority file ${ca.file}`;
  return 'the inline certificate-authority-data';
}

function clusterWhere(context: ConnectionContext): string {
  const source = context.source;
  if (source === undefined) return '';
  return ` (kubeconfig cluster "${source.cluster}"${contextOf(source)}${fileOf(source.clusterFile)})`;
}

function server(context: ConnectionContext): string {
  return `the server ${context.server}`;
}

function contextOf(source: RestConfigSource): string {
  return source.context === undefined ? '' : `, context "${source.context}"`;
}

function fileOf(file: string | undefined): string {
  return file === undefined ? '' : `, in ${file}`;
}
