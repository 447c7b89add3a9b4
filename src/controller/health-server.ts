/** Serves /healthz, /readyz and /metrics over plain HTTP for kubelet probes and Prometheus scrapes. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { ProbeResult } from './health-checks.js';

/** Options of {@link startHealthServer}. */
export interface HealthServerOptions {
  /** 0 picks a free port (see `address`). */
  readonly port: number;
  readonly host: string;
  /** Answers /healthz. */
  readonly liveness: () => ProbeResult | Promise<ProbeResult>;
  /** Answers /readyz. */
  readonly readiness: () => ProbeResult | Promise<ProbeResult>;
  /** Answers /metrics: the exposition text and its content type. */
  readonly metrics: () => Promise<{ readonly contentType: string; readonly body: string }>;
  readonly logger: Logger;
}

/**
 * A listening probe server.
 *
 * Guarantees: `/healthz` and `/readyz` answer 200 `ok` or 503 with one failure per line, computed at request time;
 * `/metrics` answers the registry's text; only GET and HEAD are served (405 otherwise), other paths 404. `close`
 * stops listening, ends idle and open connections, and resolves once the server is closed.
 */
export interface HealthServer {
  /** `host:port` it listens on (IPv6 hosts in brackets), with the real port when 0 was asked. */
  readonly address: string;
  close(): Promise<void>;
}

/** Starts listening; rejects when the port cannot be bound. */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    handle(options, request, response).catch((error: unknown) => {
      options.logger.error({ err: error, path: request.url }, 'health server failed to answer');
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      response.end('internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (error) => options.logger.error({ err: error }, 'health server error'));
  const { address, port } = server.address() as AddressInfo;
  return { address: `${address.includes(':') ? `[${address}]` : address}:${port}`, close: () => close(server) };
}

async function handle(options: HealthServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    response.end('method not allowed\n');
    return;
  }
  const path = new URL(request.url ?? '/', 'http://probe').pathname;
  if (path === '/healthz' || path === '/livez') return probe(response, await options.liveness());
  if (path === '/readyz') return probe(response, await options.readiness());
  if (path === '/metrics') {
    const { contentType, body } = await options.metrics();
    response.writeHead(200, { 'content-type': contentType });
    response.end(body); // Node sends no body in answer to HEAD.
    return;
  }
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('not found\n');
}

function probe(response: ServerResponse, result: ProbeResult): void {
  response.writeHead(result.ok ? 200 : 503, { 'content-type': 'text/plain; charset=utf-8' });
  response.end(result.ok ? 'ok\n' : `${result.failures.join('\n')}\n`);
}

function close(server: Server): Promise<void> {
  return new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections (Prometheus, kubelet) would otherwise hold close() open.
    server.closeAllConnections();
  });
}
