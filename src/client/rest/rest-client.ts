/** Creates RESTClients: the one HTTP client every typed, dynamic and discovery client is built on. */
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { createLogger } from '../../logger.js';
import type { Authenticator } from './auth/authenticator.js';
import { createAuthenticator } from './auth/index.js';
import { type Clock, requestClock } from './clock.js';
import type { RestConfig } from './config.js';
import { connectionContext } from './connection-context.js';
import { RestConfigError } from './errors.js';
import { type RateLimiter, rateLimiterFor } from './rate-limiter.js';
import { type PatchType, patchContentTypes, Request, type RequestContext } from './request.js';
import { type ConnectionParts, RequestExecutor } from './request-executor.js';
import type { RequestObserver } from './request-observer.js';
import { defaultTransportCache, dispatcherTransport, type Transport, type TransportIdentity } from './transport.js';
import { defaultUserAgent } from './user-agent.js';
import { createDedupingWarningLogger, type WarningHandler } from './warnings.js';

/** Everything forConfig takes besides the config; each has a production default. */
export interface RESTClientOptions {
  /**
   * Where connections come from; defaults to `config.dispatcher` when set, else the process-wide TransportCache
   * (shared by equal configs). The client's streams (exec, port-forward) use it too.
   */
  readonly transport?: Transport;
  /** Defaults to `createAuthenticator(config)`. The client's streams (exec, port-forward) use it too. */
  readonly authenticator?: Authenticator;
  /**
   * Overrides the limiter built from `config.qps`/`config.burst` (defaults 50/100, see defaultQps); pass one limiter
   * to several clients to share a budget.
   */
  readonly rateLimiter?: RateLimiter;
  /** Time for throttling and Retry-After waits; tests inject a fake. */
  readonly clock?: Clock;
  /** Receives the server's Warning headers; defaults to logging each distinct 299 warning once. */
  readonly warningHandler?: WarningHandler;
  /** Defaults to `config.logger`, else a new redacting logger at `warn`. */
  readonly logger?: Logger;
  /** Told of throttling, round trips, retries and successful writes, e.g. for metrics; absent = none. */
  readonly observer?: RequestObserver;
}

/**
 * The connection of one RESTClient: its ConnectionParts and the path prefix of its host.
 *
 * @internal Handed to this package's streams by {@link connectionOf}; not exported from any entry point.
 */
export interface ClientConnection extends ConnectionParts {
  /** The path prefix of the config's host (`''` or `/prefix`). */
  readonly pathPrefix: string;
}

/** Reads a client's private connection; set by RESTClient's static block, so only this module can reach it. */
let readConnection: (client: RESTClient) => ClientConnection;

/**
 * Sends requests to one apiserver as one identity. Start each request with a verb method and chain the builder.
 *
 * Guarantees: every request and retry passes the client's rate limiter and asks the authenticator for current
 * credentials; clients built from equal configs (same host, TLS identity and proxy) with the default transport
 * share one undici pool of HTTP/1.1 keep-alive connections; the client holds no per-request state and may be used
 * concurrently; nothing it logs or throws contains a credential; streams opened on it (exec, attach, port-forward,
 * copy) use its own transport, TLS identity and authenticator, so one exec-plugin run and one token cache serve both.
 *
 * @example
 * const client = RESTClient.forConfig(config);
 * const cm = await client.get().groupVersion({ group: '', version: 'v1' }).namespace('default')
 *   .resource('configmaps').name('settings').do<ConfigMap>();
 */
export class RESTClient {
  readonly config: RestConfig;
  readonly #context: RequestContext;
  /** The same transport, identity and authenticator objects #context's executor uses. */
  readonly #connection: ClientConnection;

  static {
    readConnection = (client) => client.#connection;
  }

  private constructor(config: RestConfig, context: RequestContext, connection: ClientConnection) {
    this.config = config;
    this.#context = context;
    this.#connection = connection;
  }

  /**
   * Builds a client for `config`. Cheap: TLS files are read on the first request.
   *
   * @throws RestConfigError when `config.host` is not an http(s) URL (a bare `host:port` gets a scheme, as in
   *   client-go); AuthConfigError when the credentials conflict.
   */
  static forConfig(config: RestConfig, options: RESTClientOptions = {}): RESTClient {
    const url = serverUrl(config);
    const logger = options.logger ?? config.logger ?? createLogger({ level: 'warn' });
    const clock = options.clock ?? requestClock;
    let identity: Promise<TransportIdentity> | undefined;
    const connection: ClientConnection = {
      origin: url.origin,
      pathPrefix: url.pathname.replace(/\/+$/, ''),
      transport:
        options.transport ?? (config.dispatcher ? dispatcherTransport(config.dispatcher) : defaultTransportCache()),
      identity: () => {
        identity ??= transportIdentity(config, url.origin);
        return identity;
      },
      authenticator: options.authenticator ?? createAuthenticator(config, { logger }),
      logger,
      userAgent: config.userAgent ?? defaultUserAgent,
      connection: connectionContext(config, options.authenticator !== undefined),
    };
    const { pathPrefix, ...parts } = connection;
    const executor = new RequestExecutor({
      ...parts,
      rateLimiter: options.rateLimiter ?? rateLimiterFor(config, clock),
      clock,
      warningHandler: options.warningHandler ?? createDedupingWarningLogger(logger),
      defaultTimeoutMs: config.timeoutMs ?? 0,
      disableCompression: config.disableCompression ?? false,
      observer: options.observer,
    });
    return new RESTClient(config, { executor, pathPrefix, observer: options.observer }, connection);
  }

  /** Starts a GET request. */
  get(): Request {
    return new Request(this.#context, 'GET');
  }

  /** Starts a POST request. */
  post(): Request {
    return new Request(this.#context, 'POST');
  }

  /** Starts a PUT request. */
  put(): Request {
    return new Request(this.#context, 'PUT');
  }

  /** Starts a DELETE request. */
  delete(): Request {
    return new Request(this.#context, 'DELETE');
  }

  /**
   * A PATCH with the Content-Type of `type`. For server-side apply (`'apply'`) callers set `fieldManager` (required
   * by the server) and `force` with `param()`; the body may be the object as JSON.
   */
  patch(type: PatchType): Request {
    return new Request(this.#context, 'PATCH').setHeader('content-type', patchContentTypes[type]);
  }
}

/**
 * The transport, TLS identity, authenticator, user agent, logger and ConnectionContext `client`'s requests use, so
 * a stream opens its connection as the same user on the same pool (one exec-plugin run and one token cache per
 * client, as client-go's SPDY and WebSocket executors reuse the rest.Config's transport) and explains its TLS and
 * 401 failures as requests do.
 *
 * @internal For src/client/streams only; not exported from any entry point.
 */
export function connectionOf(client: RESTClient): ClientConnection {
  return readConnection(client);
}

/**
 * The apiserver URL of the config. As client-go's DefaultServerURL: a host without a scheme gets https when any TLS
 * setting is present, else http.
 */
function serverUrl(config: RestConfig): URL {
  const tls = Boolean(
    config.caData || config.caFile || config.certData || config.certFile || config.insecureSkipTLSVerify,
  );
  const host = /^[a-z][a-z0-9+.-]*:\/\//i.test(config.host)
    ? config.host
    : `${tls ? 'https' : 'http'}://${config.host}`;
  const url = URL.parse(host);
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) {
    throw new RestConfigError('RestConfig.host must be an http(s) URL such as https://127.0.0.1:6443');
  }
  return url;
}

/** Reads the config's TLS material (files once per client) into the identity that selects a connection pool. */
async function transportIdentity(config: RestConfig, origin: string): Promise<TransportIdentity> {
  const [ca, cert, key] = await Promise.all([
    config.caData ?? readOptional(config.caFile),
    config.certData ?? readOptional(config.certFile),
    config.keyData ?? readOptional(config.keyFile),
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

async function readOptional(path: string | undefined): Promise<string | undefined> {
  return path ? await readFile(path, 'utf8') : undefined;
}
