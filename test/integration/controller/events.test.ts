import { Writable } from 'node:stream';
import { describe, expect, inject, it } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { newEventRecorder } from '../../../src/controller/events/index.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');

async function clientSet(context = plane.adminContext): Promise<ClientSet> {
  return ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, context));
}

describe('the event recorder against the apiserver', () => {
  it('writes an Event about a ConfigMap, then folds a repeat into a series of count 2', async () => {
    const namespace = await testNamespace('events');
    const clients = await clientSet();
    const configMap = await clients
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'census' } });
    const recorder = newEventRecorder({
      client: clients.eventsV1(),
      reportingController: 'kubeloop.dev/census',
      reportingInstance: 'census-0',
    });
    const occurrence = { regarding: configMap, type: 'Normal', reason: 'Counted', action: 'Count' } as const;

    recorder.event({ ...occurrence, note: 'counted 3 pods' });
    await recorder.flush();
    const first = await clients.eventsV1().events(namespace).list();
    expect(first.items).toHaveLength(1);
    const created = first.items[0];
    expect(created?.metadata?.name).toMatch(/^census\.[0-9a-f]+$/);
    expect(created?.regarding).toMatchObject({ kind: 'ConfigMap', name: 'census', uid: configMap.metadata?.uid });
    expect(created).toMatchObject({ reason: 'Counted', action: 'Count', type: 'Normal', note: 'counted 3 pods' });
    expect(created?.eventTime).toMatch(/\.\d{6}Z$/);
    expect(created?.series).toBeUndefined();

    recorder.event({ ...occurrence, note: 'counted 3 pods' });
    await recorder.shutdown();
    const second = await clients.eventsV1().events(namespace).list();
    expect(second.items).toHaveLength(1);
    expect(second.items[0]?.metadata?.name).toBe(created?.metadata?.name);
    expect(second.items[0]?.series?.count).toBe(2);
    expect(second.items[0]?.series?.lastObservedTime).toMatch(/\.\d{6}Z$/);
  });

  it('gets a note longer than 1 KiB accepted by cutting it', async () => {
    const namespace = await testNamespace('events-note');
    const clients = await clientSet();
    const configMap = await clients
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'long' } });
    const recorder = newEventRecorder({ client: clients.eventsV1(), reportingController: 'kubeloop.dev/census' });
    recorder.event({ regarding: configMap, type: 'Warning', reason: 'Noisy', action: 'Log', note: 'n'.repeat(5000) });
    await recorder.shutdown();
    const list = await clients.eventsV1().events(namespace).list();
    expect(list.items.map((event) => event.note?.length)).toEqual([1024]);
  });

  it('logs, and never throws, when the server refuses the write', async () => {
    const namespace = await testNamespace('events-denied');
    const admin = await clientSet();
    const configMap = await admin
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'denied' } });
    const lines: { msg: string; err?: { message?: string } }[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const recorder = newEventRecorder({
      client: (await clientSet(plane.userContext)).eventsV1(),
      reportingController: 'kubeloop.dev/census',
      logger: createLogger({ destination }),
    });
    expect(() =>
      recorder.event({ regarding: configMap, type: 'Normal', reason: 'Counted', action: 'Count', note: 'x' }),
    ).not.toThrow();
    await recorder.shutdown();
    expect(lines.map((line) => line.msg)).toEqual(['could not write event: dropped']);
    expect((await admin.eventsV1().events(namespace).list()).items).toEqual([]);
  });
});
