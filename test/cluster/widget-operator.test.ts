// Runs the widget-operator example on the whole local cluster: its Deployment really becomes ready, and the Widget says so.
import { ClientSet, loadKubeConfig, restConfigFromKubeConfig } from 'kubeloop/client';
import { newManager } from 'kubeloop/controller';
import { installCRDs } from 'kubeloop/testing';
import { pino } from 'pino';
import { describe, expect, it, onTestFinished } from 'vitest';
import { addWidgetOperator } from '../../examples/widget-operator/controller.ts';
import { MemoryRegistry } from '../../examples/widget-operator/registry.ts';
import { readyCondition } from '../../examples/widget-operator/status.ts';
import { Widgets } from '../../examples/widget-operator/widget.ts';
import { cluster, testNamespace } from './support.js';

const poll = { timeout: 90_000, interval: 200 };

describe('the widget operator on a whole cluster', () => {
  it('reports the readyReplicas of the Deployment the real controllers and kwok nodes ran, and follows a scale down', async () => {
    const config = restConfigFromKubeConfig(await loadKubeConfig({ paths: [cluster.kubeconfigPath] }), {
      context: cluster.adminContext,
    });
    await installCRDs(config, [Widgets.manifest()]);
    const namespace = await testNamespace('widgets');
    const manager = newManager({ config, namespace, logger: pino({ level: 'warn' }) });
    addWidgetOperator(manager, { registry: new MemoryRegistry() });
    const stop = new AbortController();
    const running = manager.start(stop.signal);
    onTestFinished(async () => {
      stop.abort();
      await running;
    });
    const set = ClientSet.forConfig(config);
    const widgets = Widgets.client(set.rest, namespace);

    await widgets.create({ metadata: { name: 'w1' }, spec: { replicas: 3, image: 'registry.invalid/widget:1' } });
    await expect
      .poll(() => widgets.get('w1'), poll)
      .toMatchObject({ status: { readyReplicas: 3, conditions: [{ type: readyCondition, status: 'True' }] } });
    const pods = await set.coreV1().pods(namespace).list({ labelSelector: 'app.kubernetes.io/instance=w1' });
    expect(pods.items.map((p) => p.status?.phase)).toEqual(['Running', 'Running', 'Running']);

    await widgets.updateScale('w1', { metadata: { name: 'w1', namespace }, spec: { replicas: 1 } });
    await expect
      .poll(() => widgets.get('w1'), poll)
      .toMatchObject({ status: { readyReplicas: 1, observedGeneration: 2, conditions: [{ status: 'True' }] } });
  });
});
