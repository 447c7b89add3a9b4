// Runs a WebhookServer on loopback for integration tests and registers webhook configurations scoped to a namespace.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { ValidatingWebhook } from '../../../src/client/kubernetes/admissionregistration-v1/types.js';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { createLogger } from '../../../src/logger.js';
import {
  type CertificateFiles,
  generateWebhookCertificates,
  type KeyPair,
  WebhookServer,
  type WebhookServerOptions,
  writeServingCertificate,
} from '../../../src/webhook/index.js';
import { restConfigFor } from '../support.js';

const plane = inject('controlPlane');

/** The admin's ClientSet on the shared control plane. */
export async function adminClients(): Promise<ClientSet> {
  return ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
}

/** A running webhook server with its CA, folder and certificate files; `close` stops it and removes the folder. */
export interface RunningServer {
  readonly server: WebhookServer;
  readonly ca: KeyPair;
  readonly dir: string;
  readonly files: CertificateFiles;
  /** `https://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** Starts a WebhookServer on 127.0.0.1 with a fresh CA and a serving certificate for 127.0.0.1 and localhost. */
export async function runServer(options: Partial<WebhookServerOptions> = {}): Promise<RunningServer> {
  const { ca, serving } = generateWebhookCertificates({ hosts: ['127.0.0.1', 'localhost'] });
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-webhook-'));
  const files = await writeServingCertificate(dir, serving);
  const server = new WebhookServer({
    ...files,
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
    ...options,
  });
  const stopper = new AbortController();
  const done = server.start(stopper.signal);
  const address = await server.serving();
  const port = Number(address.split(':').at(-1));
  const stop = async () => {
    stopper.abort();
    await done;
  };
  return {
    server,
    ca,
    dir,
    files,
    port,
    url: `https://${address}`,
    stop,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A webhook on configmaps in `namespace` only (the shared apiserver serves other tests), calling `url`. */
export function configMapWebhook(name: string, url: string, namespace: string): ValidatingWebhook {
  return {
    name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    failurePolicy: 'Fail',
    timeoutSeconds: 10,
    clientConfig: { url },
    namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
    rules: [{ apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], operations: ['CREATE', 'UPDATE'] }],
  };
}
