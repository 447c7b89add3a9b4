// Starts WebhookServers on loopback for tests and talks to them over real TLS.
import { request } from 'node:https';
import { connect } from 'node:tls';
import { onTestFinished } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import {
  type CertificateFiles,
  generateWebhookCertificates,
  writeServingCertificate,
} from '../../../src/webhook/certificates.js';
import { WebhookServer, type WebhookServerOptions } from '../../../src/webhook/server.js';
import { tempDir } from '../support/temp-dir.js';

export const silent = createLogger({ level: 'silent' });

/** A fresh CA and serving certificate for 127.0.0.1 written into a temporary folder. */
export async function servingFiles() {
  const certificates = generateWebhookCertificates({ hosts: ['127.0.0.1'] });
  const dir = await tempDir('kubeloop-webhook-');
  return { ...certificates, dir, files: await writeServingCertificate(dir, certificates.serving) };
}

/** Starts a server on 127.0.0.1:0; it is stopped when the test finishes. */
export async function startServer(files: CertificateFiles, options: Partial<WebhookServerOptions> = {}) {
  const server = new WebhookServer({ ...files, port: 0, host: '127.0.0.1', logger: silent, ...options });
  const stop = new AbortController();
  const done = server.start(stop.signal);
  onTestFinished(async () => {
    stop.abort();
    await done.catch(() => undefined);
  });
  await server.serving();
  return { server, stop, done, address: server.address as string };
}

export interface Reply {
  readonly status: number;
  readonly body: string;
}

export interface CallOptions {
  readonly ca: string;
  readonly method?: string;
  readonly body?: string;
  readonly contentType?: string;
  readonly cert?: string;
  readonly key?: string;
}

/** One HTTPS request on a new connection (no agent), trusting `ca` only. */
export function call(address: string, path: string, options: CallOptions): Promise<Reply> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host,
        port,
        path,
        method: options.method ?? 'POST',
        ca: options.ca,
        agent: false,
        ...(options.cert ? { cert: options.cert, key: options.key } : {}),
        headers: { 'content-type': options.contentType ?? 'application/json' },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** The SHA-256 fingerprint of the certificate a new TLS connection to `address` is served. */
export function servedFingerprint(address: string, ca: string): Promise<string> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(port), ca, servername: undefined }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}
