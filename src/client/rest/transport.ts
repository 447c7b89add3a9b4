/** Pools undici dispatchers: one per (apiserver origin, TLS identity, proxy), shared by every client that needs it. */
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Logger } from 'pino';
import { Agent, type Dispatcher, EnvHttpProxyAgent, ProxyAgent, Socks5ProxyAgent } from 'undici';

/** Everything that decides which connections a request may reuse. PEM strings, never paths. */
export interface TransportIdentity {
  /** `https://host:port` of the apiserver. */
  readonly origin: string;
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly servername?: string;
  readonly insecureSkipTLSVerify?: boolean;
  /** An explicit http(s) or socks5 proxy; when absent, HTTPS_PROXY/NO_PROXY from the environment apply. */
  readonly proxyUrl?: string;
}

/** What the RESTClient needs from a transport: the dispatcher for an identity. Tests pass a MockAgent here. */
export interface Transport {
  /** `logger` receives warnings about this identity (insecure TLS) when the transport has none of its own. */
  dispatcherFor(identity: TransportIdentity, logger?: Logger): Dispatcher;
}

/** Options of TransportCache. */
export interface TransportCacheOptions {
  /** Where the insecure-TLS warning goes; defaults to the logger of the client asking. */
  readonly logger?: Logger;
  /** The environment read for HTTPS_PROXY/NO_PROXY when a config has no proxyUrl; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Idle keep-alive sockets are closed after 30 s (undici's default is 4 s): controllers issue bursts of requests
 * seconds apart, and a TLS handshake per burst costs more than an idle socket.
 */
const keepAliveTimeoutMs = 30_000;

/**
 * A pool of undici dispatchers keyed by TransportIdentity.
 *
 * Guarantees: equal identities get the same dispatcher (so RESTClients built from equal configs share keep-alive
 * connections); the key is a SHA-256 of the identity, so no PEM or key material is kept as a map key; each
 * insecure identity is warned about once; connections are HTTP/1.1 (every watch holds its own socket, so no
 * stream cap or head-of-line blocking between a watch and a request).
 */
export class TransportCache implements Transport {
  readonly #logger: Logger | undefined;
  readonly #env: NodeJS.ProcessEnv;
  /** One dispatcher per identity digest, never replaced until close(). */
  readonly #dispatchers = new Map<string, Dispatcher>();

  constructor(options: TransportCacheOptions = {}) {
    this.#logger = options.logger;
    this.#env = options.env ?? process.env;
  }

  /** How many distinct dispatchers exist. */
  get size(): number {
    return this.#dispatchers.size;
  }

  dispatcherFor(identity: TransportIdentity, logger?: Logger): Dispatcher {
    const key = identityDigest(identity);
    let dispatcher = this.#dispatchers.get(key);
    if (!dispatcher) {
      if (identity.insecureSkipTLSVerify) {
        (this.#logger ?? logger)?.warn(
          { server: identity.origin },
          'TLS certificate verification is disabled for this server',
        );
      }
      dispatcher = this.#create(identity);
      this.#dispatchers.set(key, dispatcher);
    }
    return dispatcher;
  }

  /** Closes every dispatcher, waiting for in-flight requests; the cache may be reused afterwards. */
  async close(): Promise<void> {
    const dispatchers = [...this.#dispatchers.values()];
    this.#dispatchers.clear();
    await Promise.all(dispatchers.map((dispatcher) => dispatcher.close()));
  }

  #create(identity: TransportIdentity): Dispatcher {
    const tls = {
      ...(identity.ca === undefined ? {} : { ca: identity.ca }),
      ...(identity.cert === undefined ? {} : { cert: identity.cert }),
      ...(identity.key === undefined ? {} : { key: identity.key }),
      ...(identity.servername ? { servername: identity.servername } : {}),
      rejectUnauthorized: !identity.insecureSkipTLSVerify,
    };
    const pool = { keepAliveTimeout: keepAliveTimeoutMs, allowH2: false };
    if (identity.proxyUrl) {
      if (/^socks5h?:/i.test(identity.proxyUrl)) {
        return new Socks5ProxyAgent(identity.proxyUrl, { ...pool, requestTls: tls });
      }
      return new ProxyAgent({ uri: identity.proxyUrl, ...pool, requestTls: tls });
    }
    if (isLoopback(identity.origin) || !hasProxyEnv(this.#env)) return new Agent({ ...pool, connect: tls });
    const env = this.#env;
    return new EnvHttpProxyAgent({
      ...pool,
      connect: tls,
      requestTls: tls,
      ...optional('httpProxy', env.HTTP_PROXY ?? env.http_proxy),
      ...optional('httpsProxy', env.HTTPS_PROXY ?? env.https_proxy),
      ...optional('noProxy', env.NO_PROXY ?? env.no_proxy),
    });
  }
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/** Go's ProxyFromEnvironment never proxies loopback; undici's EnvHttpProxyAgent would, so we skip it ourselves. */
function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

function identityDigest(identity: TransportIdentity): string {
  const fields = [
    identity.origin,
    identity.ca ?? '',
    identity.cert ?? '',
    identity.key ?? '',
    identity.servername ?? '',
    identity.insecureSkipTLSVerify ? '1' : '0',
    identity.proxyUrl ?? '',
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

/**
 * The process-wide default pool, created on first use. It is the one piece of module state in the client, on
 * purpose: clients built independently from equal configs (a ClientSet, a DynamicClient, a DiscoveryClient) must
 * share connections without the caller threading a pool through; pass `transport` to RESTClient.forConfig to opt
 * out (tests, or isolating a tenant's connections).
 */
let processTransportCache: TransportCache | undefined;

/** Returns the process-wide default TransportCache (see its TSDoc for why one exists). */
export function defaultTransportCache(): TransportCache {
  processTransportCache ??= new TransportCache();
  return processTransportCache;
}

/** A Transport sending every request through one dispatcher (`RestConfig.dispatcher`), whatever the identity. */
export function dispatcherTransport(dispatcher: Dispatcher): Transport {
  return { dispatcherFor: () => dispatcher };
}
