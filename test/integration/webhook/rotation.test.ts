import { randomUUID, X509Certificate } from 'node:crypto';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import {
  issueServingCertificate,
  validatingWebhook,
  withCABundle,
  writeServingCertificate,
} from '../../../src/webhook/index.js';
import { createNamespace, deleteNamespace } from '../support.js';
import { adminClients, configMapWebhook, type RunningServer, runServer } from './support.js';

const configName = `kubeloop-rotation-${randomUUID().slice(0, 8)}`;
const patience = { timeout: 60_000, interval: 100 };

let clients: ClientSet;
let namespace: string;
let running: RunningServer;
/** Calls each path received, to see the apiserver switch to new connections. */
const calls = { before: 0, after: 0 };

const counting = (path: keyof typeof calls) =>
  validatingWebhook<ConfigMap>({
    name: `count-${path}`,
    validate: () => {
      calls[path]++;
      return undefined;
    },
  });

/** The fingerprint of the certificate a new TLS connection is served. */
function servedFingerprint(port: number, ca: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ca }, () => {
      resolve(socket.getPeerCertificate().fingerprint256);
      socket.end();
    });
    socket.on('error', reject);
  });
}

beforeAll(async () => {
  clients = await adminClients();
  namespace = await createNamespace('webhook-rotation');
  // A fast poll: the rotation must be picked up even if no folder event came.
  running = await runServer({ certPollIntervalMs: 500 });
  running.server.register('/before', counting('before'));
  running.server.register('/after', counting('after'));
});

afterAll(async () => {
  await clients.admissionregistrationV1().validatingWebhookConfigurations().delete(configName);
  await running.close();
  await deleteNamespace(namespace);
});

/** Points the configuration at `url`; the webhook's caBundle stays the one CA. */
async function pointAt(url: string): Promise<void> {
  const configurations = clients.admissionregistrationV1().validatingWebhookConfigurations();
  const configuration = withCABundle(
    { metadata: { name: configName }, webhooks: [configMapWebhook('rotation.kubeloop.test', url, namespace)] },
    running.ca.certPem,
  );
  const existing = await configurations.get(configName).catch(() => undefined);
  if (existing) await configurations.update({ ...configuration, metadata: existing.metadata ?? {} });
  else await configurations.create(configuration);
}

describe('serving certificate rotation under load from the real apiserver', () => {
  it('fails no admission before, during or after a rotation to a new key signed by the same CA', async () => {
    await pointAt(`${running.url}/before`);
    const failures: string[] = [];
    let admitted = 0;
    let stop = false;
    const load = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          await clients
            .coreV1()
            .configMaps(namespace)
            .create({ metadata: { name: `load-${i}` } }, { dryRun: true });
          admitted++;
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    })();
    try {
      // Creates admitted before the configuration is in effect do not call us: wait until many did.
      await vi.waitFor(() => expect(calls.before).toBeGreaterThan(20), patience);
      const rotated = issueServingCertificate(running.ca, { hosts: ['127.0.0.1', 'localhost'] });
      await writeServingCertificate(running.dir, rotated);
      const fingerprint = new X509Certificate(rotated.certPem).fingerprint256;
      await vi.waitFor(
        async () => expect(await servedFingerprint(running.port, running.ca.certPem)).toBe(fingerprint),
        patience,
      );
      // A new host name makes the apiserver open new connections, which must accept the rotated certificate.
      await pointAt(`https://localhost:${running.port}/after`);
      await vi.waitFor(() => expect(calls.after).toBeGreaterThan(20), patience);
    } finally {
      stop = true;
      await load;
    }
    expect(failures).toEqual([]);
    expect(admitted).toBeGreaterThan(40);
  });
});
