// The sharding webhook labels new objects with their shard at admission; the sharder runs standalone beside shards.
import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { newManager } from '../../../src/controller/manager.js';
import { HashRing, Sharder, shardingWebhook, shardLabel } from '../../../src/controller/sharding/index.js';
import { createLogger } from '../../../src/logger.js';
import { withCABundle } from '../../../src/webhook/index.js';
import { restConfigFor, testNamespace } from '../support.js';
import { configMapWebhook, runServer } from '../webhook/support.js';

const plane = inject('controlPlane');
const ring = 'admitted';
const resources = [{ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' }];
const timings = { leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 };
const patience = { timeout: 60_000, interval: 100 };

describe('the sharding webhook', () => {
  it('labels each new object with its ring shard in the create response itself', async () => {
    const namespace = await testNamespace('sharding-webhook');
    const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
    const clientSet = ClientSet.forConfig(config);
    const logger = createLogger({ level: 'silent' });
    const stop = new AbortController();
    const sharder = new Sharder({
      clientSet,
      ring,
      leaseNamespace: namespace,
      resources,
      namespace,
      identity: 'sharder',
      logger,
    });
    const runs = [sharder.start(stop.signal)];
    for (const shard of ['shard-a', 'shard-b']) {
      const sharding = { ring, leaseNamespace: namespace, resources, shard, runSharder: false, ...timings };
      const manager = newManager({ config, namespace, logger, sharding });
      manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
      runs.push(manager.start(stop.signal));
    }
    const running = await runServer();
    running.server.register('/shard', shardingWebhook({ sharder, ring }));
    const admission = clientSet.admissionregistrationV1();
    const configName = `sharding-${namespace}`;
    const webhook = {
      ...configMapWebhook('shard.kubeloop.test', `${running.url}/shard`, namespace),
      failurePolicy: 'Ignore' as const,
    };
    await admission
      .mutatingWebhookConfigurations()
      .create(withCABundle({ metadata: { name: configName }, webhooks: [webhook] }, running.ca.certPem));
    onTestFinished(async () => {
      await admission.mutatingWebhookConfigurations().delete(configName);
      stop.abort();
      await Promise.all(runs);
      await running.close();
    });

    // Both shards joined the sharder's ring, and the webhook is in effect: a dry-run create comes back labelled.
    await vi.waitFor(async () => {
      expect(sharder.liveShards()).toEqual(['shard-a', 'shard-b']);
      const probe = await clientSet
        .coreV1()
        .configMaps(namespace)
        .create({ metadata: { name: 'probe' } }, { dryRun: true });
      expect(probe.metadata?.labels?.[shardLabel(ring)]).toBeDefined();
    }, patience);

    const expected = new HashRing(['shard-a', 'shard-b']);
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        clientSet
          .coreV1()
          .configMaps(namespace)
          .create({ metadata: { name: `n-${i}` } }),
      ),
    );
    for (const object of created) {
      expect(object.metadata?.labels?.[shardLabel(ring)]).toBe(
        expected.shardFor(`/ConfigMap/${namespace}/${object.metadata?.name}`),
      );
    }
    expect(new Set(created.map((o) => o.metadata?.labels?.[shardLabel(ring)])).size).toBe(2);
  }, 120_000);
});
