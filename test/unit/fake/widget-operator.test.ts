// Runs the widget-operator's controller on the in-process fake API server: CRD, owned Deployment, status, scale,
// finalizer and garbage collection. (Its webhooks need the real apiserver to call them: see the integration test.)
import { ClientSet } from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { createFakeApiServer, installCRDs } from 'kubeloop/testing';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { addWidgetOperator, cleanupFinalizer } from '../../../examples/widget-operator/controller.ts';
import { MemoryRegistry } from '../../../examples/widget-operator/registry.ts';
import { readyCondition } from '../../../examples/widget-operator/status.ts';
import { widgetCRD } from '../../../examples/widget-operator/webhook-config.ts';
import { Widgets } from '../../../examples/widget-operator/widget.ts';

const poll = { timeout: 30_000, interval: 20 };

describe('the widget operator on the fake API server', () => {
  it('owns a Deployment, reports status, follows scaling, and cleans up on delete', async () => {
    const server = createFakeApiServer();
    const clientSet = ClientSet.forConfig(server.config);
    await installCRDs(server.config, [widgetCRD()]);
    const registry = new MemoryRegistry();
    const manager = newManager({ config: server.config, namespace: 'default', logger: pino({ level: 'silent' }) });
    addWidgetOperator(manager, { registry });
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    onTestFinished(async () => {
      stop.abort();
      await running;
    });
    const widgets = Widgets.client(clientSet.rest, 'default');
    const deployments = clientSet.appsV1().deployments('default');

    const created = await widgets.create({ metadata: { name: 'w1' }, spec: { replicas: 2, image: 'nginx:1.27' } });
    await expect
      .poll(() => deployments.get('w1').catch(() => undefined), poll)
      .toMatchObject({ spec: { replicas: 2, template: { spec: { containers: [{ image: 'nginx:1.27' }] } } } });
    expect((await deployments.get('w1')).metadata?.ownerReferences).toEqual([
      expect.objectContaining({ kind: 'Widget', name: 'w1', uid: created.metadata?.uid, controller: true }),
    ]);
    await expect
      .poll(() => widgets.get('w1'), poll)
      .toMatchObject({ metadata: { finalizers: [cleanupFinalizer] }, status: { observedGeneration: 1 } });
    expect(registry.records.get('default/w1')).toEqual({ image: 'nginx:1.27', replicas: 2 });

    await deployments.patchStatus('w1', 'merge', {
      status: { replicas: 2, readyReplicas: 2, availableReplicas: 2, updatedReplicas: 2 },
    });
    await expect
      .poll(() => widgets.get('w1'), poll)
      .toMatchObject({ status: { readyReplicas: 2, conditions: [{ type: readyCondition, status: 'True' }] } });

    await widgets.updateScale('w1', { metadata: { name: 'w1', namespace: 'default' }, spec: { replicas: 3 } });
    await expect.poll(async () => (await deployments.get('w1')).spec?.replicas, poll).toBe(3);

    await widgets.delete('w1');
    await expect.poll(() => widgets.list().then((list) => list.items.length), poll).toBe(0);
    expect(registry.records.has('default/w1')).toBe(false);
    // The fake plays the garbage collector: the owned Deployment goes with its Widget.
    await server.settle();
    await expect.poll(() => deployments.list().then((list) => list.items.length), poll).toBe(0);
  });
});
