/** Serves webhooks over HTTPS on one port: many paths, /healthz, certificates reloaded from files as they rotate. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Runnable } from '../controller/runnable.js';
import { createLogger } from '../logger.js';
import { type CertificateSet, CertWatcher } from './cert-watcher.js';
import type { WebhookEndpoint } from './endpoint.js';
import { WebhookListenError, WebhookOptionsError, WebhookRequestError, WebhookServerStateError } from './errors.js';
import { readJsonBody } from './read-body.js';

/** Options of {@link WebhookServer}. */
export interface WebhookServerOptions {
  /** PEM serving certificate (with its chain) and key; both re-read when they change. */
  readonly certFile: string;
  readonly keyFile: string;
  /** PEM CA bundle: when set, clients must present a certificate it signed (the apiserver's, configured for it). */
  readonly clientCAFile?: string;
  /** Default 9443, controller-runtime's; 0 picks a free port (see `address`). */
  readonly port?: number;
  /** Default all interfaces, as a Service in front of a pod needs. */
  readonly host?: string;
  /** Larger request bodies get 413; default 7 MiB, controller-runtime's: a review carries two objects of up to 3 MiB. */
  readonly maxBodyBytes?: number;
  /** How often certificate files are re-read in case a change event was missed; default 10 s, like certwatcher. */
  readonly certPollIntervalMs?: number;
  /** How long in-flight reviews may finish after stop before their connections are cut; default 5 s. */
  readonly shutdownTimeoutMs?: number;
  /** Default a redacting pino logger at `info` (kubeloop's createLogger), as the manager uses. */
  readonly logger?: Logger;
}

type Phase = 'idle' | 'starting' | 'serving' | 'stopped';

/**
 * An HTTPS server for admission and conversion webhooks (controller-runtime's webhook server); a manager Runnable.
 *
 * Guarantees:
 * - `start` loads the certificate (rejecting with a WebhookCertificateError before binding if it cannot), binds,
 *   serves until `signal` aborts, then drains: in-flight reviews get `shutdownTimeoutMs`, then their signals abort
 *   and connections close; `start` resolves once closed. It runs once.
 * - `ready()` is true exactly while it accepts connections; `serving()` resolves with the address from then on.
 * - Certificate rotation needs no restart: a changed, valid certificate and key are used for every new TLS
 *   connection (`setSecureContext`); a broken change is logged and the previous pair keeps serving.
 * - A path answers only POSTed JSON (405, 415 otherwise); bodies over `maxBodyBytes` get 413 and the connection is
 *   closed without reading the rest; a body that is not JSON, or a review the endpoint refuses, gets 400; unknown
 *   paths 404. `GET /healthz` answers 200 while serving. A handler that throws never ends the process.
 */
export class WebhookServer implements Runnable {
  readonly name = 'webhook-server';
  /** Webhooks are not leader-only: every replica must answer the apiserver. */
  readonly needLeaderElection = false;
  readonly #endpoints = new Map<string, WebhookEndpoint>();
  readonly #options: WebhookServerOptions;
  readonly #logger: Logger;
  #phase: Phase = 'idle';
  #address: string | undefined;
  readonly #serving: Promise<string>;
  #settleServing!: { resolve(address: string): void; reject(error: unknown): void };
  /** Aborted when the server stops: in-flight reviews abort after the grace period. */
  readonly #inFlight = new AbortController();

  constructor(options: WebhookServerOptions) {
    checkOptions(options);
    this.#options = options;
    this.#logger = options.logger ?? createLogger({ level: 'info' });
    this.#serving = new Promise<string>((resolve, reject) => {
      this.#settleServing = { resolve, reject };
    });
    // Nobody may ever await serving(); a failed start rejects `start` itself.
    this.#serving.catch(() => undefined);
  }

  /**
   * Serves `endpoint` at `path` (e.g. `/validate-widgets`); allowed before and while serving.
   * Throws a WebhookOptionsError for a path without a leading slash, `/healthz`, or one already taken.
   */
  register(path: string, endpoint: WebhookEndpoint): void {
    if (!path.startsWith('/') || path === '/healthz') {
      throw new WebhookOptionsError(`webhook path ${JSON.stringify(path)} must start with / and not be /healthz`);
    }
    if (this.#endpoints.has(path)) throw new WebhookOptionsError(`webhook path ${path} is already registered`);
    if (this.#phase === 'stopped') throw new WebhookServerStateError(`cannot register ${path}: the server stopped`);
    this.#endpoints.set(path, endpoint);
  }

  /** True while accepting connections. */
  ready(): boolean {
    return this.#phase === 'serving';
  }

  /** `host:port` while serving (IPv6 in brackets), with the real port when 0 was asked. */
  get address(): string | undefined {
    return this.#address;
  }

  /** Resolves with `address` once serving; rejects if `start` failed. */
  serving(): Promise<string> {
    return this.#serving;
  }

  /** Serves until `signal` aborts; see the class guarantees. */
  async start(signal: AbortSignal): Promise<void> {
    if (this.#phase !== 'idle') throw new WebhookServerStateError('the webhook server runs once');
    this.#phase = 'starting';
    const stopWatching = new AbortController();
    try {
      const server = await this.#listen(stopWatching.signal);
      this.#phase = signal.aborted ? 'stopped' : 'serving';
      this.#settleServing.resolve(this.#address as string);
      this.#logger.info({ address: this.#address, paths: [...this.#endpoints.keys()] }, 'serving webhooks');
      await untilAborted(signal);
      this.#phase = 'stopped';
      await this.#drain(server);
    } catch (error) {
      this.#phase = 'stopped';
      this.#settleServing.reject(error);
      throw error;
    } finally {
      stopWatching.abort();
      this.#address = undefined;
    }
  }

  async #listen(watching: AbortSignal): Promise<Server> {
    const { certFile, keyFile, clientCAFile } = this.#options;
    let server: Server | undefined;
    const watcher = new CertWatcher({
      certFile,
      keyFile,
      ...(clientCAFile === undefined ? {} : { clientCAFile }),
      pollIntervalMs: this.#options.certPollIntervalMs ?? 10_000,
      logger: this.#logger,
      onChange: (set) => server?.setSecureContext(contextOf(set)),
    });
    const set = await watcher.load();
    server = createServer(
      {
        ...contextOf(set),
        requestCert: clientCAFile !== undefined,
        rejectUnauthorized: clientCAFile !== undefined,
        minVersion: 'TLSv1.2',
      },
      (request, response) => this.#answer(request, response),
    );
    await new Promise<void>((resolve, reject) => {
      const onError = (error: Error) =>
        reject(new WebhookListenError(`cannot listen: ${error.message}`, { cause: error }));
      server.once('error', onError);
      server.listen(this.#options.port ?? 9443, this.#options.host, () => {
        server.off('error', onError);
        resolve();
      });
    });
    server.on('error', (error) => this.#logger.error({ err: error }, 'webhook server error'));
    server.on('tlsClientError', (error) => this.#logger.debug({ err: error }, 'TLS handshake failed'));
    watcher.watch(watching);
    const { address, port } = server.address() as AddressInfo;
    this.#address = `${address.includes(':') ? `[${address}]` : address}:${port}`;
    return server;
  }

  async #drain(server: Server): Promise<void> {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.shutdownTimeoutMs ?? 5_000);
    });
    await Promise.race([closed, grace]);
    clearTimeout(timer);
    this.#inFlight.abort(new WebhookServerStateError('the webhook server stopped'));
    server.closeAllConnections();
    await closed;
  }

  #answer(request: IncomingMessage, response: ServerResponse): void {
    this.#route(request, response).catch((error: unknown) => {
      const status = error instanceof WebhookRequestError ? error.status : 500;
      if (status === 500) this.#logger.error({ err: error, path: request.url }, 'webhook request failed');
      if (response.headersSent) return void response.destroy();
      // A refused body may still be arriving: close rather than read it all for keep-alive.
      response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close' });
      response.end(`${status === 500 ? 'internal error' : (error as Error).message}\n`);
    });
  }

  async #route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'https://webhook').pathname;
    if (path === '/healthz' && (request.method === 'GET' || request.method === 'HEAD')) {
      response.writeHead(this.ready() ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(this.ready() ? 'ok\n' : 'stopping\n');
      return;
    }
    const endpoint = this.#endpoints.get(path);
    if (endpoint === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('not found\n');
      return;
    }
    if (request.method !== 'POST') throw new WebhookRequestError(405, 'only POST is served here');
    const body = await readJsonBody(request, this.#options.maxBodyBytes ?? 7 * 1024 * 1024);
    const abort = new AbortController();
    const onClose = () => {
      if (!response.writableFinished) abort.abort(new WebhookServerStateError('the client hung up'));
    };
    response.once('close', onClose);
    const stop = () => abort.abort(this.#inFlight.signal.reason);
    this.#inFlight.signal.addEventListener('abort', stop, { once: true });
    try {
      const answer = await endpoint.review(body, { signal: abort.signal, logger: this.#logger });
      const text = JSON.stringify(answer);
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      response.end(text);
    } finally {
      this.#inFlight.signal.removeEventListener('abort', stop);
    }
  }
}

function checkOptions(options: WebhookServerOptions): void {
  const { port, maxBodyBytes, certPollIntervalMs, shutdownTimeoutMs } = options;
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
    throw new WebhookOptionsError(`webhook server: port must be an integer in 0..65535, got ${port}`);
  }
  for (const [name, value] of Object.entries({ maxBodyBytes, certPollIntervalMs, shutdownTimeoutMs })) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new WebhookOptionsError(`webhook server: ${name} must be a positive integer, got ${value}`);
    }
  }
}

function contextOf(set: CertificateSet): { cert: string; key: string; ca?: string } {
  return set.ca === undefined ? { cert: set.cert, key: set.key } : { cert: set.cert, key: set.key, ca: set.ca };
}

function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}
