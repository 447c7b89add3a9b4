/** Opens a subresource WebSocket with a RESTClient's connection pool, TLS identity and credentials. */
import { readFile } from 'node:fs/promises';
import type { Authenticator } from '../rest/auth/authenticator.js';
import { createAuthenticator } from '../rest/auth/index.js';
import type { RESTClient } from '../rest/rest-client.js';
import { StatusError } from '../rest/status-error.js';
import {
  defaultTransportCache,
  dispatcherTransport,
  type Transport,
  type TransportIdentity,
} from '../rest/transport.js';
import { defaultUserAgent } from '../rest/user-agent.js';
import { openWebSocket, type WebSocketConnection } from './websocket.js';

/**
 * Where a stream's connections and credentials come from. Both default as `RESTClient.forConfig` does, so a
 * client built from a config with its defaults reuses the same pooled Agent (equal TLS identity, same dispatcher);
 * pass the `transport`/`authenticator` you gave `forConfig`, if any.
 */
export interface StreamConnectionOptions {
  /** Defaults to `config.dispatcher` when set, else the process-wide TransportCache. */
  readonly transport?: Transport;
  /** Defaults to one `createAuthenticator(config)` per RESTClient, kept for the client's lifetime. */
  readonly authenticator?: Authenticator;
}

/** One stream request: the subresource path (no host prefix), its query, the subprotocols to offer. */
export interface StreamTarget {
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly protocols: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

interface Endpoint {
  readonly url: URL;
  readonly identity: Promise<TransportIdentity>;
  readonly authenticator: Authenticator;
}

/** One endpoint per RESTClient: the exec plugin runs, and TLS files are read, once per client, not per stream. */
const endpoints = new WeakMap<RESTClient, Endpoint>();

function endpointFor(rest: RESTClient, options: StreamConnectionOptions): Endpoint {
  const cached = endpoints.get(rest);
  if (cached && options.authenticator === undefined) return cached;
  const config = rest.config;
  // As the RESTClient (client-go's DefaultServerURL): no scheme means https when any TLS setting is present.
  const tls = Boolean(
    config.caData || config.caFile || config.certData || config.certFile || config.insecureSkipTLSVerify,
  );
  const scheme = tls ? 'https' : 'http';
  const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(config.host) ? config.host : `${scheme}://${config.host}`);
  const endpoint = {
    url,
    identity: identityOf(rest, url.origin),
    authenticator: options.authenticator ?? createAuthenticator(config, config.logger ? { logger: config.logger } : {}),
  };
  // Swallow here so an unused endpoint never reports an unhandled rejection; connect() awaits it again.
  endpoint.identity.catch(() => undefined);
  if (options.authenticator === undefined) endpoints.set(rest, endpoint);
  return endpoint;
}

async function identityOf(rest: RESTClient, origin: string): Promise<TransportIdentity> {
  const config = rest.config;
  const read = async (data: string | undefined, file: string | undefined) =>
    data ?? (file ? await readFile(file, 'utf8') : undefined);
  const [ca, cert, key] = await Promise.all([
    read(config.caData, config.caFile),
    read(config.certData, config.certFile),
    read(config.keyData, config.keyFile),
  ]);
  return {
    origin,
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    ...(config.tlsServerName ? { servername: config.tlsServerName } : {}),
    ...(config.insecureSkipTLSVerify ? { insecureSkipTLSVerify: true } : {}),
    ...(config.proxyUrl ? { proxyUrl: config.proxyUrl } : {}),
  };
}

/**
 * Opens the WebSocket of `target` as `rest`'s user. After a 401 the credentials are refreshed (an exec plugin
 * re-run) and the handshake retried once, as the RESTClient does for requests.
 */
export async function connect(
  rest: RESTClient,
  target: StreamTarget,
  options: StreamConnectionOptions = {},
): Promise<WebSocketConnection> {
  const endpoint = endpointFor(rest, options);
  const config = rest.config;
  const transport =
    options.transport ?? (config.dispatcher ? dispatcherTransport(config.dispatcher) : defaultTransportCache());
  const url = new URL(endpoint.url.href.replace(/\/+$/, '') + target.path);
  for (const [key, value] of target.query) url.searchParams.append(key, value);
  for (let refreshed = false; ; refreshed = true) {
    const [identity, credentials, certificate] = await Promise.all([
      endpoint.identity,
      endpoint.authenticator.headers(target.signal),
      endpoint.authenticator.clientCertificate(target.signal),
    ]);
    const tls = certificate ? { ...identity, cert: certificate.cert, key: certificate.key } : identity;
    const dispatcher = transport.dispatcherFor(tls, config.logger);
    const headers = { ...credentials, 'user-agent': config.userAgent ?? defaultUserAgent };
    try {
      return await openWebSocket({ dispatcher, url, headers, protocols: target.protocols, signal: target.signal });
    } catch (error) {
      const retry = error instanceof StatusError && error.statusCode === 401 && !refreshed;
      if (!retry || !(await endpoint.authenticator.refresh(credentials))) throw error;
    }
  }
}
