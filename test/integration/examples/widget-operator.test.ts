// Runs the widget-operator example against the real apiserver as its author would: CRD, Deployment, status, finalizer.
import { ClientSet, loadKubeConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { installCRDs } from 'kubeloop/testing';
import { pino } from 'pino';
import { beforeAll, describe, expect, inject, it, onTestFinished } from 'vitest';
import { addWidgetOperator, cleanupFinalizer } from '../../../examples/widget-operator/controller.ts';
import { MemoryRegistry } from '../../../examples/widget-operator/registry.ts';
import { readyCondition } from '../../../examples/widget-operator/status.ts';
import { Widgets } from '../../../examples/widget-operator/widget.ts';
import { testNamespace } from '../support.ts';

const plane = inject('controlPlane');
const poll = { timeout: 30_000, interval: 100 };

async function adminConfig() {
  return restConfigFromKubeConfig(await loadKubeConfig({ paths: [plane.kubeconfigPath] }), {
    context: plane.adminContext,
  });
}

/** A namespace with a running widget operator scoped to it; stopped when the test finishes. */
async function runOperator() {
  const config = await adminConfig();
  const namespace = await testNamespace('widgets');
  const manager = newManager({ config, namespace, logger: pino({ level: 'warn' }) });
  const registry = new MemoryRegistry();
  addWidgetOperator(manager, { registry });
  const stop = new AbortController();
  const running = manager.start(stop.signal);
  onTestFinished(async () => {
    stop.abort();
    await running;
  });
  const clientSet = ClientSet.forConfig(config);
  return { namespace, registry, clientSet, widgets: Widgets.client(clientSet.rest, namespace) };
}

describe('the widget operator', () => {
  beforeAll(async () => {
    // The CRD comes from the TypeBox definition; nothing is written by hand.
    await installCRDs(await adminConfig(), [Widgets.manifest()]);
  });

  it('owns a Deployment, reports ready replicas and conditions, follows scaling, and cleans up on delete', async () => {
    const { namespace, registry, clientSet, widgets } = await runOperator();
    const deployments = clientSet.appsV1().deployments(namespace);
    // No apiVersion or kind: the typed client fills them in.
    const created = await widgets.create({ metadata: { name: 'w1' }, spec: { replicas: 2, image: 'nginx:1.27' } });

    await expect
      .poll(() => deployments.get('w1').catch(() => undefined), poll)
      .toMatchObject({ spec: { replicas: 2, template: { spec: { containers: [{ image: 'nginx:1.27' }] } } } });
    const owned = await deployments.get('w1');
    expect(owned.metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Widget', name: 'w1', uid: created.metadata?.uid, controller: true }),
    ]);
    await expect
      .poll(() => widgets.get('w1'), poll)
      .toMatchObject({
        metadata: { finalizers: [cleanupFinalizer] },
        status: { readyReplicas: 0, observedGeneration: 1, conditions: [{ type: readyCondition, status: 'False' }] },
      });
    expect(registry.records.get(`${namespace}/w1`)).toEqual({ image: 'nginx:1.27', replicas: 2 });

    // What the deployment controller would report once both pods are ready.
    const ready = { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 };
    await deployments.patchStatus('w1', 'merge', { status: ready });
    await expect
      .poll(() => widgets.get('w1'), poll)
      .toMatchObject({ status: { readyReplicas: 2, conditions: [{ type: readyCondition, status: 'True' }] } });

    // Scaling through the Widget's scale subresource reaches the Deployment and bumps the observed generation.
    await widgets.updateScale('w1', { metadata: { name: 'w1', namespace }, spec: { replicas: 3 } });
    await expect.poll(async () => (await deployments.get('w1')).spec?.replicas, poll).toBe(3);
    await expect
      .poll(() => widgets.get('w1'), poll)
      .toMatchObject({
        status: { observedGeneration: 2, conditions: [{ status: 'False', message: '2/3 replicas ready' }] },
      });

    const events = await clientSet.eventsV1().events(namespace).list();
    const notes = events.items.filter((e) => e.regarding?.name === 'w1').map((e) => e.note);
    expect(notes).toEqual(expect.arrayContaining([expect.stringMatching(/created to 2 replicas/)]));

    // Deleting waits for the finalizer, which removes the external record first.
    await widgets.delete('w1');
    await expect
      .poll(
        () =>
          widgets.get('w1').then(
            () => 'present',
            () => 'gone',
          ),
        poll,
      )
      .toBe('gone');
    expect(registry.records.has(`${namespace}/w1`)).toBe(false);
  });
});
