import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
// Generous: a loaded 2-core machine may be slow; no assertion depends on speed.
const patience = { timeout: 60_000, interval: 100 };

async function startedManager(namespace: string): Promise<{ manager: Manager; stop: () => Promise<void> }> {
  const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
  const manager = newManager({
    config,
    namespace,
    logger: createLogger({ level: 'silent' }),
    healthProbe: { port: 0 },
  });
  manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
  const abort = new AbortController();
  const done = manager.start(abort.signal);
  const stop = async (): Promise<void> => {
    abort.abort();
    await done;
  };
  onTestFinished(() => stop().catch(() => undefined));
  await vi.waitFor(() => expect(manager.readiness().ok).toBe(true), patience);
  return { manager, stop };
}

describe('Manager toolkit against a real apiserver', () => {
  it('serves the REST client metrics of its own requests on /metrics', async () => {
    const namespace = await testNamespace('manager-rest-metrics');
    const { manager } = await startedManager(namespace);
    const configMaps = manager.clientSet.coreV1().configMaps(namespace);
    await configMaps.create({ metadata: { name: 'counted' } });
    await expect(configMaps.get('missing')).rejects.toThrow();

    const response = await fetch(`http://${manager.healthAddress}/metrics`);
    const text = await response.text();
    const host = `host="${new URL(plane.server).host}"`;
    expect(text).toMatch(new RegExp(`rest_client_requests_total\\{code="201",method="POST",${host}\\} [1-9]`));
    expect(text).toMatch(new RegExp(`rest_client_requests_total\\{code="404",method="GET",${host}\\} [1-9]`));
    // The informer's list and watch are GETs through the same client.
    expect(text).toMatch(new RegExp(`rest_client_requests_total\\{code="200",method="GET",${host}\\} [1-9]`));
    expect(text).toMatch(new RegExp(`rest_client_request_duration_seconds_count\\{verb="POST",${host}\\} [1-9]`));
    expect(text).toMatch(new RegExp(`rest_client_rate_limiter_duration_seconds_count\\{verb="GET",${host}\\} [1-9]`));
    expect(text).toContain('# TYPE rest_client_request_retries_total counter');
  });

  it('writes the Events recorded just before a stop before start resolves', async () => {
    const namespace = await testNamespace('manager-events');
    const { manager, stop } = await startedManager(namespace);
    const subject = await manager.clientSet
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'subject' } });
    const recorder = manager.eventRecorderFor('kubeloop.test/toolkit');
    recorder.event({
      regarding: { ...subject, apiVersion: 'v1', kind: 'ConfigMap' },
      type: 'Normal',
      reason: 'Checked',
      action: 'Check',
      note: 'recorded right before the stop',
    });

    await stop();

    const events = await manager.clientSet.eventsV1().events(namespace).list();
    expect(events.items.map((e) => [e.reportingController, e.reason, e.regarding?.name])).toEqual([
      ['kubeloop.test/toolkit', 'Checked', 'subject'],
    ]);
  });
});
