import { X509Certificate } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import type { Runnable } from '../../../src/controller/runnable.js';
import { generatePki } from '../../../src/testing/pki.js';
import { validatingWebhook } from '../../../src/webhook/admission.js';
import { issueServingCertificate, writeServingCertificate } from '../../../src/webhook/certificates.js';
import { deny } from '../../../src/webhook/denial.js';
import {
  WebhookCertificateError,
  WebhookListenError,
  WebhookOptionsError,
  WebhookServerStateError,
} from '../../../src/webhook/errors.js';
import { WebhookServer } from '../../../src/webhook/server.js';
import { call, servedFingerprint, servingFiles, silent, startServer } from './server-support.js';

const review = (uid: string) =>
  JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid,
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      operation: 'CREATE',
      userInfo: { username: 'alice' },
      object: { metadata: { name: uid } },
    },
  });

const denyNamedBad = validatingWebhook({
  name: 'names',
  validate: (request) => (request.object?.metadata?.name === 'bad' ? deny('bad name') : undefined),
});

describe('WebhookServer', () => {
  it('is a manager Runnable that is ready exactly while it serves', async () => {
    const { files } = await servingFiles();
    const server = new WebhookServer({ ...files, port: 0, host: '127.0.0.1', logger: silent });
    const runnable: Runnable = server;
    expect(runnable.ready?.()).toBe(false);
    const stop = new AbortController();
    const done = server.start(stop.signal);
    await server.serving();
    expect(server.ready()).toBe(true);
    stop.abort();
    await done;
    expect(server.ready()).toBe(false);
    expect(server.address).toBeUndefined();
    await expect(server.start(new AbortController().signal)).rejects.toBeInstanceOf(WebhookServerStateError);
  });

  it('answers reviews on many paths of one port, and /healthz', async () => {
    const { ca, files } = await servingFiles();
    const { server, address } = await startServer(files);
    server.register('/validate-names', denyNamedBad);
    server.register('/allow-all', validatingWebhook({ name: 'all', validate: () => undefined }));
    const denied = await call(address, '/validate-names', { ca: ca.certPem, body: review('bad') });
    const allowed = await call(address, '/allow-all', { ca: ca.certPem, body: review('bad') });
    expect(denied.status).toBe(200);
    expect(JSON.parse(denied.body).response).toMatchObject({
      uid: 'bad',
      allowed: false,
      status: { message: 'bad name' },
    });
    expect(JSON.parse(allowed.body).response).toEqual({ uid: 'bad', allowed: true });
    expect(await call(address, '/healthz', { ca: ca.certPem, method: 'GET' })).toEqual({ status: 200, body: 'ok\n' });
  });

  it('refuses unknown paths (404), other methods (405), other content types (415), bad JSON and versions (400)', async () => {
    const { ca, files } = await servingFiles();
    const { server, address } = await startServer(files);
    server.register('/validate', denyNamedBad);
    const ask = (path: string, options: { method?: string; body?: string; contentType?: string } = {}) =>
      call(address, path, { ca: ca.certPem, ...options }).then((reply) => reply.status);
    expect(await ask('/nowhere', { body: review('x') })).toBe(404);
    expect(await ask('/validate', { method: 'GET' })).toBe(405);
    expect(await ask('/validate', { body: review('x'), contentType: 'text/plain' })).toBe(415);
    expect(await ask('/validate', { body: '{not json' })).toBe(400);
    const v1beta1 = review('x').replace('admission.k8s.io/v1', 'admission.k8s.io/v1beta1');
    const reply = await call(address, '/validate', { ca: ca.certPem, body: v1beta1 });
    expect(reply.status).toBe(400);
    expect(reply.body).toContain('expected an AdmissionReview of admission.k8s.io/v1');
  });

  it('refuses a body over maxBodyBytes with 413 and keeps serving', async () => {
    const { ca, files } = await servingFiles();
    const { server, address } = await startServer(files, { maxBodyBytes: 1024 });
    server.register('/validate', denyNamedBad);
    const big = JSON.stringify({ padding: 'x'.repeat(4096) });
    expect((await call(address, '/validate', { ca: ca.certPem, body: big })).status).toBe(413);
    expect((await call(address, '/validate', { ca: ca.certPem, body: review('ok') })).status).toBe(200);
  });

  it('keeps serving when a custom endpoint throws: that request gets 500', async () => {
    const { ca, files } = await servingFiles();
    const { server, address } = await startServer(files);
    server.register('/broken', {
      name: 'broken',
      review: () => Promise.reject(new Error('boom')),
    });
    server.register('/validate', denyNamedBad);
    expect(await call(address, '/broken', { ca: ca.certPem, body: '{}' })).toEqual({
      status: 500,
      body: 'internal error\n',
    });
    expect((await call(address, '/validate', { ca: ca.certPem, body: review('ok') })).status).toBe(200);
  });

  it('on stop, lets an in-flight review run for shutdownTimeoutMs, then aborts its signal and resolves', async () => {
    const { ca, files } = await servingFiles();
    const { server, address, stop, done } = await startServer(files, { shutdownTimeoutMs: 50 });
    let reason: unknown;
    let entered: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => {
      entered = resolve;
    });
    server.register('/slow', {
      name: 'slow',
      review: (_body, { signal }) =>
        new Promise((resolve) => {
          entered();
          signal.addEventListener('abort', () => {
            reason = signal.reason;
            resolve({});
          });
        }),
    });
    const pending = call(address, '/slow', { ca: ca.certPem, body: '{}' }).catch((error: unknown) => error);
    await inside;
    stop.abort();
    await done;
    expect(reason).toBeInstanceOf(WebhookServerStateError);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('serves a rotated certificate and key to new connections without a restart', async () => {
    const { ca, dir, files, serving } = await servingFiles();
    const { address } = await startServer(files, { certPollIntervalMs: 200 });
    const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;
    expect(await servedFingerprint(address, ca.certPem)).toBe(fingerprint(serving.certPem));
    const rotated = issueServingCertificate(ca, { hosts: ['127.0.0.1'] });
    await writeServingCertificate(dir, rotated);
    await vi.waitFor(
      async () => expect(await servedFingerprint(address, ca.certPem)).toBe(fingerprint(rotated.certPem)),
      {
        timeout: 10_000,
        interval: 50,
      },
    );
  });

  it('keeps the previous certificate when a rotation leaves a key that does not match', async () => {
    const { ca, files, serving } = await servingFiles();
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line).msg) });
    const { address } = await startServer(files, { certPollIntervalMs: 50, logger });
    await writeFile(files.keyFile, issueServingCertificate(ca, { hosts: ['127.0.0.1'] }).keyPem);
    await vi.waitFor(
      () => expect(warnings).toContain('certificate files changed but do not load; keeping the previous ones'),
      {
        timeout: 10_000,
      },
    );
    expect(await servedFingerprint(address, ca.certPem)).toBe(new X509Certificate(serving.certPem).fingerprint256);
  });

  it('with clientCAFile, refuses clients without a certificate that CA signed', async () => {
    const { ca, dir, files } = await servingFiles();
    const clients = generatePki({ admin: { name: 'apiserver', groups: [] }, user: { name: 'other', groups: [] } });
    const clientCAFile = `${dir}/client-ca.crt`;
    await writeFile(clientCAFile, clients.ca.certPem);
    const { server, address } = await startServer(files, { clientCAFile });
    server.register('/validate', denyNamedBad);
    const withCert = { ca: ca.certPem, cert: clients.admin.certPem, key: clients.admin.keyPem, body: review('ok') };
    expect((await call(address, '/validate', withCert)).status).toBe(200);
    await expect(call(address, '/validate', { ca: ca.certPem, body: review('ok') })).rejects.toThrow();
  });

  it('rejects start with a WebhookCertificateError naming a missing file, before binding', async () => {
    const { dir, files } = await servingFiles();
    const server = new WebhookServer({ ...files, keyFile: `${dir}/missing.key`, port: 0, logger: silent });
    const start = server.start(new AbortController().signal);
    await expect(start).rejects.toBeInstanceOf(WebhookCertificateError);
    await expect(start).rejects.toMatchObject({ file: `${dir}/missing.key` });
    await expect(server.serving()).rejects.toBeInstanceOf(WebhookCertificateError);
    expect(server.ready()).toBe(false);
  });

  it('rejects start with a WebhookListenError when the port is taken', async () => {
    const { files } = await servingFiles();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const server = new WebhookServer({ ...files, port, host: '127.0.0.1', logger: silent });
      await expect(server.start(new AbortController().signal)).rejects.toBeInstanceOf(WebhookListenError);
    } finally {
      blocker.close();
    }
  });

  it('refuses bad paths and options', async () => {
    const { files } = await servingFiles();
    expect(() => new WebhookServer({ ...files, port: -1 })).toThrow(WebhookOptionsError);
    expect(() => new WebhookServer({ ...files, maxBodyBytes: 0 })).toThrow(WebhookOptionsError);
    const server = new WebhookServer({ ...files, logger: silent });
    expect(() => server.register('validate', denyNamedBad)).toThrow(WebhookOptionsError);
    expect(() => server.register('/healthz', denyNamedBad)).toThrow(WebhookOptionsError);
    server.register('/validate', denyNamedBad);
    expect(() => server.register('/validate', denyNamedBad)).toThrow(/already registered/);
  });
});
