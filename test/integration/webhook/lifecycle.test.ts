import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { StatusError } from '../../../src/client/rest/index.js';
import { newManager } from '../../../src/controller/manager.js';
import { createLogger } from '../../../src/logger.js';
import {
  generateWebhookCertificates,
  validatingWebhook,
  WebhookServer,
  withCABundle,
  writeServingCertificate,
} from '../../../src/webhook/index.js';
import { restConfigFor, testNamespace } from '../support.js';
import { adminClients, configMapWebhook, runServer } from './support.js';

const plane = inject('controlPlane');
const patience = { timeout: 30_000, interval: 100 };
const silent = createLogger({ level: 'silent' });

describe('the webhook server stopped, and started by a manager', () => {
  it('with failurePolicy Fail and the server stopped, the apiserver refuses with its clear error', async () => {
    const clients = await adminClients();
    const namespace = await testNamespace('webhook-stopped');
    const running = await runServer();
    onTestFinished(() => running.close());
    let called = 0;
    running.server.register(
      '/validate',
      validatingWebhook<ConfigMap>({ name: 'counting', validate: () => void called++ }),
    );
    const configurations = clients.admissionregistrationV1().validatingWebhookConfigurations();
    const name = `kubeloop-stopped-${randomUUID().slice(0, 8)}`;
    await configurations.create(
      withCABundle(
        {
          metadata: { name },
          webhooks: [configMapWebhook('stopped.kubeloop.test', `${running.url}/validate`, namespace)],
        },
        running.ca.certPem,
      ),
    );
    onTestFinished(() => configurations.delete(name).then(() => undefined));
    const configMaps = clients.coreV1().configMaps(namespace);
    await vi.waitFor(async () => {
      await configMaps.create({ metadata: { name: 'probe' } }, { dryRun: true });
      expect(called).toBeGreaterThan(0);
    }, patience);
    await running.stop();
    const refusal = configMaps.create({ metadata: { name: 'refused' } });
    await expect(refusal).rejects.toBeInstanceOf(StatusError);
    const error = (await refusal.catch((caught: unknown) => caught)) as StatusError;
    expect(error.statusCode).toBe(500);
    expect(error.reason).toBe('InternalError');
    expect(error.message).toContain('failed calling webhook "stopped.kubeloop.test"');
    expect(error.message).toContain(`127.0.0.1:${running.port}`);
    expect(error.message).toContain('connection refused');
  });

  it('keeps a manager not ready until its webhook server serves', async () => {
    const namespace = await testNamespace('webhook-manager');
    const dir = await mkdtemp(join(tmpdir(), 'kubeloop-webhook-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const { serving } = generateWebhookCertificates({ hosts: ['127.0.0.1'] });
    const files = await writeServingCertificate(dir, serving);
    // The certificate is a FIFO: reading it blocks until the test writes it, holding the server before it listens.
    await rm(files.certFile);
    execFileSync('mkfifo', [files.certFile]);
    const server = new WebhookServer({ ...files, port: 0, host: '127.0.0.1', logger: silent });
    const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
    const manager = newManager({ config, namespace, logger: silent, healthProbe: { port: 0, host: '127.0.0.1' } });
    manager.addRunnable(server);
    const stop = new AbortController();
    const done = manager.start(stop.signal);
    onTestFinished(async () => {
      stop.abort();
      await done;
    });
    // Runs first (hooks run in reverse): a failure before the write below must not leave the server blocked on read.
    onTestFinished(async () => {
      const fifo = await open(files.certFile, constants.O_WRONLY | constants.O_NONBLOCK).catch(() => undefined);
      await fifo?.writeFile(serving.certPem);
      await fifo?.close();
    });
    const readyz = async () => {
      const response = await fetch(`http://${manager.healthAddress}/readyz`);
      return { status: response.status, body: await response.text() };
    };
    await vi.waitFor(async () => {
      expect(manager.healthAddress).toBeDefined();
      expect(await readyz()).toEqual({ status: 503, body: 'runnable webhook-server: not ready\n' });
    }, patience);
    expect(server.ready()).toBe(false);
    await writeFile(files.certFile, serving.certPem);
    // Back to a regular file, so later reloads read it without blocking.
    await writeServingCertificate(dir, serving);
    await vi.waitFor(async () => expect(await readyz()).toEqual({ status: 200, body: 'ok\n' }), patience);
    expect(server.ready()).toBe(true);
    expect(server.address).toMatch(/^127\.0\.0\.1:\d+$/);
  });
});
