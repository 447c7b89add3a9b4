/** Opens a subresource WebSocket on a RESTClient's own transport, TLS identity and authenticator. */
import { KubeloopError } from '../../errors.js';
import { type ConnectionContext, transportError, unauthorizedDetail } from '../rest/connection-context.js';
import { connectionOf, type RESTClient } from '../rest/rest-client.js';
import { StatusError } from '../rest/status-error.js';
import { openWebSocket, type WebSocketConnection } from './websocket.js';

/** One stream request: the subresource path (no host prefix), its query, the subprotocols to offer. */
export interface StreamTarget {
  readonly path: string;
  readonly query: readonly (readonly [string, string])[];
  readonly protocols: readonly string[];
  readonly signal?: AbortSignal | undefined;
}

/**
 * Opens the WebSocket of `target` as `rest`'s user, with the very parts its requests use: the same pooled
 * dispatcher, TLS identity, user agent and authenticator (so one exec-plugin run and one token cache serve the
 * client's requests and streams alike). After a 401 the credentials are refreshed and the handshake retried once,
 * as the RESTClient does for requests; a final 401 and a failed connection are explained as a request's would be.
 *
 * @throws StatusError when the server refused the upgrade (a 401 naming the server, kubeconfig user and auth
 *   method); TransportError when no response came (a TLS verification failure naming the server and what the
 *   client trusts); StreamProtocolError on a bad handshake; the signal's reason once aborted.
 */
export async function connect(rest: RESTClient, target: StreamTarget): Promise<WebSocketConnection> {
  const { origin, pathPrefix, transport, identity, authenticator, logger, userAgent, connection } = connectionOf(rest);
  const url = new URL(`${origin}${pathPrefix}${target.path}`);
  for (const [key, value] of target.query) url.searchParams.append(key, value);
  for (let refreshed = false; ; refreshed = true) {
    const [tlsIdentity, credentials, certificate] = await Promise.all([
      identity(),
      authenticator.headers(target.signal),
      authenticator.clientCertificate(target.signal),
    ]);
    const tls = certificate ? { ...tlsIdentity, cert: certificate.cert, key: certificate.key } : tlsIdentity;
    const dispatcher = transport.dispatcherFor(tls, logger);
    const headers = { ...credentials, 'user-agent': userAgent };
    try {
      return await openWebSocket({ dispatcher, url, headers, protocols: target.protocols, signal: target.signal });
    } catch (error) {
      const retry = error instanceof StatusError && error.statusCode === 401 && !refreshed;
      if (!retry || !(await authenticator.refresh(credentials))) {
        throw explained(error, url.pathname, connection, target.signal);
      }
    }
  }
}

/**
 * The handshake's final failure as the RequestExecutor reports a request's: a 401 gains the unauthorizedDetail of
 * the client, and an error without a response becomes the TransportError of transportError.
 */
function explained(
  error: unknown,
  path: string,
  context: ConnectionContext | undefined,
  signal: AbortSignal | undefined,
): unknown {
  if (error instanceof StatusError) {
    if (error.statusCode !== 401 || context === undefined) return error;
    return new StatusError(error.status, { verb: error.verb, path: error.path }, unauthorizedDetail(context));
  }
  if (signal?.aborted || error instanceof KubeloopError) return error;
  return transportError('GET', path, error, context);
}
