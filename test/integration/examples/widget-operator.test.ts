// Runs the widget-operator example against the real apiserver as its author would: CRD, Deployment, status, finalizer,
// and the webhooks its manager serves (validation, defaulting, v1alpha1 ↔ v1 conversion), called by the apiserver.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ClientSet,
  isNotFound,
  loadKubeConfig,
  type RestConfig,
  restConfigFromKubeConfig,
  StatusError,
} from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { installCRDs } from 'kubeloop/testing';
import { generateWebhookCertificates, writeServingCertificate } from 'kubeloop/webhook';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { managedByLabel } from '../../../examples/widget-operator/admission.ts';
import { addWidgetOperator, cleanupFinalizer } from '../../../examples/widget-operator/controller.ts';
import { MemoryRegistry } from '../../../examples/widget-operator/registry.ts';
import { readyCondition } from '../../../examples/widget-operator/status.ts';
import { widgetCRD, widgetWebhookConfigurations } from '../../../examples/widget-operator/webhook-config.ts';
import { addWidgetWebhooks } from '../../../examples/widget-operator/webhooks.ts';
import { Widgets } from '../../../examples/widget-operator/widget.ts';
import { createNamespace, deleteNamespace } from '../support.ts';

const plane = inject('controlPlane');
// Generous: the apiserver loads webhook configurations through an informer; nothing here measures speed.
const poll = { timeout: 30_000, interval: 100 };
const configName = `widget-operator-${randomUUID().slice(0, 8)}`;
const managed = { [managedByLabel]: 'widget-operator' };

let config: RestConfig;
let clientSet: ClientSet;
let namespace: string;
let certDir: string;
const registry = new MemoryRegistry();
const stop = new AbortController();
let running: Promise<void> | undefined;
const widgets = () => Widgets.client(clientSet.rest, namespace);
const oldWidgets = () => Widgets.forVersion('v1alpha1').client(clientSet.rest, namespace);
const deployments = () => clientSet.appsV1().deployments(namespace);

/** One manager for the file runs the operator and serves its webhooks, scoped to one namespace. */
beforeAll(async () => {
  const kubeconfig = await loadKubeConfig({ paths: [plane.kubeconfigPath] });
  config = restConfigFromKubeConfig(kubeconfig, { context: plane.adminContext });
  clientSet = ClientSet.forConfig(config);
  // v1 alone first, generated from the TypeBox definition: the operator's cache syncs on it.
  await installCRDs(config, [widgetCRD()]);
  namespace = await createNamespace('widgets');
  certDir = await mkdtemp(join(tmpdir(), 'widget-webhooks-'));
  const { ca, serving } = generateWebhookCertificates({ hosts: ['127.0.0.1'] });
  await writeServingCertificate(certDir, serving);

  const manager = newManager({ config, namespace, logger: pino({ level: 'warn' }) });
  addWidgetOperator(manager, { registry });
  const server = addWidgetWebhooks(manager, { certDir, port: 0, host: '127.0.0.1' });
  running = manager.start(stop.signal);
  const target = { url: `https://${await server.serving()}`, caPem: ca.certPem };

  // Then both versions, converted by the server now listening, and the admission webhooks for this namespace only.
  await installCRDs(config, [widgetCRD(target)]);
  const selector = { matchLabels: { 'kubernetes.io/metadata.name': namespace } };
  const { validating, mutating } = widgetWebhookConfigurations({
    ...target,
    name: configName,
    namespaceSelector: selector,
  });
  await clientSet.admissionregistrationV1().validatingWebhookConfigurations().create(validating);
  await clientSet.admissionregistrationV1().mutatingWebhookConfigurations().create(mutating);
  await vi.waitFor(async () => {
    const probe = (image: string) => ({ metadata: { name: 'probe' }, spec: { replicas: 1, image } });
    await expect(widgets().create(probe('nginx'), { dryRun: true })).rejects.toThrow(/denied the request/);
    expect((await widgets().create(probe('nginx:1.27'), { dryRun: true })).metadata?.labels).toEqual(managed);
  }, poll);
});

afterAll(async () => {
  if (running) {
    // The operator's finalizer holds every Widget: delete them while it runs.
    await widgets().deleteCollection();
    await vi.waitFor(async () => expect((await widgets().list()).items).toEqual([]), poll);
  }
  // Gone already if beforeAll failed before making them; any other failure is the test's.
  const gone = (error: unknown) => {
    if (!isNotFound(error)) throw error;
  };
  const admission = clientSet.admissionregistrationV1();
  await admission.validatingWebhookConfigurations().delete(configName).catch(gone);
  await admission.mutatingWebhookConfigurations().delete(configName).catch(gone);
  // Nothing converts once the server stops: serve v1 alone again.
  await installCRDs(config, [widgetCRD()]);
  stop.abort();
  await running;
  await deleteNamespace(namespace);
  await rm(certDir, { recursive: true, force: true });
});

describe('the widget operator', () => {
  it('owns a Deployment, reports ready replicas and conditions, follows scaling, and cleans up on delete', async () => {
    // No apiVersion or kind: the typed client fills them in.
    const created = await widgets().create({ metadata: { name: 'w1' }, spec: { replicas: 2, image: 'nginx:1.27' } });

    await expect
      .poll(
        () =>
          deployments()
            .get('w1')
            .catch(() => undefined),
        poll,
      )
      .toMatchObject({ spec: { replicas: 2, template: { spec: { containers: [{ image: 'nginx:1.27' }] } } } });
    const owned = await deployments().get('w1');
    expect(owned.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Widget', name: 'w1', uid: created.metadata?.uid, controller: true }),
    ]);
    await expect
      .poll(() => widgets().get('w1'), poll)
      .toMatchObject({
        metadata: { finalizers: [cleanupFinalizer] },
        status: { readyReplicas: 0, observedGeneration: 1, conditions: [{ type: readyCondition, status: 'False' }] },
      });
    expect(registry.records.get(`${namespace}/w1`)).toEqual({ image: 'nginx:1.27', replicas: 2 });

    // What the deployment controller would report once both pods are ready.
    const ready = { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 };
    await deployments().patchStatus('w1', 'merge', { status: ready });
    await expect
      .poll(() => widgets().get('w1'), poll)
      .toMatchObject({ status: { readyReplicas: 2, conditions: [{ type: readyCondition, status: 'True' }] } });

    // Scaling through the Widget's scale subresource reaches the Deployment and bumps the observed generation.
    await widgets().updateScale('w1', { metadata: { name: 'w1', namespace }, spec: { replicas: 3 } });
    await expect.poll(async () => (await deployments().get('w1')).spec?.replicas, poll).toBe(3);
    await expect
      .poll(() => widgets().get('w1'), poll)
      .toMatchObject({
        status: { observedGeneration: 2, conditions: [{ status: 'False', message: '2/3 replicas ready' }] },
      });

    const events = await clientSet.eventsV1().events(namespace).list();
    const notes = events.items.filter((e) => e.regarding?.name === 'w1').map((e) => e.note);
    expect(notes).toEqual(expect.arrayContaining([expect.stringMatching(/created to 2 replicas/)]));

    // Deleting waits for the finalizer, which removes the external record first.
    await widgets().delete('w1');
    const presence = () =>
      widgets()
        .get('w1')
        .then(
          () => 'present',
          () => 'gone',
        );
    await expect.poll(presence, poll).toBe('gone');
    expect(registry.records.has(`${namespace}/w1`)).toBe(false);
  });
});

describe('the widget webhooks, called by the apiserver', () => {
  it('refuse an unpinned image with the handler message and field causes, at either version', async () => {
    const error = await widgets()
      .create({ metadata: { name: 'moving' }, spec: { replicas: 1, image: 'nginx:latest' } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StatusError);
    expect((error as StatusError).message).toBe(
      `admission webhook "validate.widgets.demo.kubeloop.dev" denied the request: ` +
        'Widget moving is invalid: spec.image "nginx:latest" is tagged :latest, which moves: pin a tag or a digest',
    );
    expect((error as StatusError).statusCode).toBe(422);
    expect((error as StatusError).causes).toEqual([expect.objectContaining({ field: 'spec.image' })]);
    // A v1alpha1 request is converted to v1 before the webhook sees it.
    const old = oldWidgets().create({ metadata: { name: 'untagged' }, spec: { size: 1, image: 'nginx' } });
    await expect(old).rejects.toThrow(/spec.image "nginx" has no tag/);
  });

  it('default the managed-by label on the stored object, and refuse too big a scale-up comparing old and new', async () => {
    const created = await widgets().create({
      metadata: { name: 'labelled' },
      spec: { replicas: 1, image: 'nginx:1.27' },
    });
    expect(created.metadata?.labels).toEqual(managed);
    expect((await widgets().get('labelled')).metadata?.labels).toEqual(managed);

    // Merge patches: no resourceVersion to conflict with the operator's own writes to the Widget.
    const jump = widgets().patch('labelled', 'merge', { spec: { replicas: 12 } });
    await expect(jump).rejects.toThrow(/spec.replicas may grow by at most 10 in one update, not from 1 to 12/);
    const step = await widgets().patch('labelled', 'merge', { spec: { replicas: 11 } });
    expect(step.spec.replicas).toBe(11);
  });

  it('read a Widget created at v1alpha1 back at v1, and the operator reconciles it', async () => {
    const created = await oldWidgets().create({
      metadata: { name: 'old-style' },
      spec: { size: 2, image: 'nginx:1.27' },
    });
    expect(created.apiVersion).toBe('demo.kubeloop.dev/v1alpha1');
    expect(created.spec).toEqual({ size: 2, image: 'nginx:1.27' });
    const stored = await widgets().get('old-style');
    expect(stored.apiVersion).toBe('demo.kubeloop.dev/v1');
    expect(stored.spec).toEqual({ replicas: 2, image: 'nginx:1.27' });
    expect(stored.metadata?.labels).toEqual(managed);

    await expect
      .poll(
        async () =>
          (
            await deployments()
              .get('old-style')
              .catch(() => undefined)
          )?.spec?.replicas,
        poll,
      )
      .toBe(2);
    // The operator's status and finalizer, read at v1alpha1.
    await expect
      .poll(() => oldWidgets().get('old-style'), poll)
      .toMatchObject({
        metadata: { finalizers: [cleanupFinalizer] },
        status: { readyReplicas: 0, conditions: [{ type: readyCondition, message: '0/2 replicas ready' }] },
      });
  });

  it('read a Widget created at v1 back at v1alpha1, update it there, and list at either version', async () => {
    const image = `nginx@sha256:${'ab'.repeat(32)}`;
    await widgets().create({ metadata: { name: 'new-style' }, spec: { replicas: 3, image } });
    const old = await oldWidgets().get('new-style');
    expect(old.apiVersion).toBe('demo.kubeloop.dev/v1alpha1');
    expect(old.spec).toEqual({ size: 3, image });

    await oldWidgets().patch('new-style', 'merge', { spec: { size: 5 } });
    expect((await widgets().get('new-style')).spec.replicas).toBe(5);
    await expect
      .poll(
        async () =>
          (
            await deployments()
              .get('new-style')
              .catch(() => undefined)
          )?.spec?.replicas,
        poll,
      )
      .toBe(5);

    const specs = (items: readonly { metadata?: { name?: string }; spec: unknown }[]) =>
      Object.fromEntries(items.map((w) => [w.metadata?.name, w.spec]));
    expect(specs((await oldWidgets().list()).items)).toMatchObject({
      'old-style': { size: 2, image: 'nginx:1.27' },
      'new-style': { size: 5, image },
    });
    expect(specs((await widgets().list()).items)).toMatchObject({
      'old-style': { replicas: 2, image: 'nginx:1.27' },
      'new-style': { replicas: 5, image },
    });
  });
});
