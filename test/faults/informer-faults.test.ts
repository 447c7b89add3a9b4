import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ClientSet } from '../../src/client/kubernetes/clientset.js';
import { isAlreadyExists, isNotFound } from '../../src/client/rest/status-error.js';
import { Churn } from './support/churn.js';
import {
  type ConvergenceRow,
  converge,
  differences,
  printTable,
  type Snapshot,
  snapshotOf,
} from './support/convergence.js';
import { FaultPlane } from './support/plane.js';
import { deadWatchTimeoutMs, LogCapture, RecordingController, watchedInformer } from './support/subjects.js';

const suite = randomUUID().slice(0, 8);
const labelSelector = `fault-suite=${suite}`;
const rows: ConvergenceRow[] = [];

let plane: FaultPlane;
let churn: Churn;
let subject: ReturnType<typeof watchedInformer>;
let controller: RecordingController;
const logs = new LogCapture();
const stop = new AbortController();
const running: Promise<void>[] = [];

async function freshList(): Promise<Snapshot> {
  const list = await ClientSet.forConfig(plane.direct).coreV1().configMaps().list({ labelSelector });
  return snapshotOf(list.items);
}

/** The controller's last reconcile of each written key must have seen the key's final state (or its absence). */
function controllerDifferences(fresh: Snapshot): string[] {
  const lines: string[] = [];
  for (const key of churn.touched) {
    const expected = fresh.get(key) ?? 'absent';
    const seen = controller.lastSeen.get(key) ?? 'absent';
    if (seen !== expected) lines.push(`${key}: last reconcile saw ${seen}, expected ${expected}`);
  }
  return lines.slice(0, 10);
}

/**
 * Writes `writes` times while `fault` runs (and ends itself), then waits until the informer's store, the handler's
 * view and the controller all match a fresh LIST; records how long each took and checks what they converged to.
 */
async function scenario(name: string, writes: number, fault: (from: number) => Promise<string>): Promise<void> {
  const from = churn.ops;
  const listsBefore = subject.lw.syncs;
  const [, note] = await Promise.all([churn.run(writes), fault(from)]);
  const fresh = await freshList();
  const start = performance.now();
  const store = await converge(() => differences(snapshotOf(subject.informer.getIndexer().list()), fresh), start);
  const handler = await converge(() => differences(subject.view.snapshot(), fresh), start);
  const reconciled = await converge(() => controllerDifferences(fresh), start);
  const relists = subject.lw.syncs - listsBefore;
  rows.push({
    scenario: name,
    writes: churn.ops - from,
    storeMs: store.ms,
    handlerMs: handler.ms,
    controllerMs: reconciled.ms,
    relists,
    note,
  });
  expect(store.left, 'informer store vs fresh LIST').toEqual([]);
  expect(handler.left, 'handler view vs fresh LIST').toEqual([]);
  expect(reconciled.left, 'last reconcile of each key vs fresh LIST').toEqual([]);
  expect(controller.overlaps, 'keys reconciled concurrently').toEqual([]);
}

describe('an informer, a handler and a controller behind a faulty network and apiserver', () => {
  beforeAll(async () => {
    plane = await FaultPlane.start();
    const clients = ClientSet.forConfig(plane.direct);
    const namespaces = [`faults-a-${suite}`, `faults-b-${suite}`, `faults-c-${suite}`];
    for (const name of namespaces) await clients.coreV1().namespaces().create({ metadata: { name } });
    const keys = namespaces.flatMap((namespace) =>
      Array.from({ length: 40 }, (_, i) => ({ namespace, name: `cm-${i}` })),
    );
    churn = new Churn(
      (ns) => clients.coreV1().configMaps(ns),
      keys,
      { 'fault-suite': suite },
      { isAlreadyExists, isNotFound },
    );
    subject = watchedInformer(plane.proxied, labelSelector, logs);
    controller = new RecordingController(plane.proxied, logs);
    running.push(subject.informer.run(stop.signal), controller.manager.start(stop.signal));
    await vi.waitFor(
      () => {
        if (!(subject.informer.hasSynced() && controller.informer.hasSynced())) throw new Error('not synced yet');
      },
      { timeout: 60_000, interval: 50 },
    );
  });

  afterAll(async () => {
    printTable('Fault suite: time from the end of each fault and its writes until all agree with a fresh LIST', rows);
    stop.abort();
    await Promise.allSettled(running);
    await plane?.stop();
  });

  it('converges after every connection is reset three times, the last at the end of the writes', async () => {
    await scenario('connection resets ×3', 250, async (from) => {
      let reset = 0;
      for (const at of [100, 200, 245]) {
        await churn.reached(from + at);
        reset += plane.proxy.resetAll();
      }
      return `${reset} connections reset`;
    });
  });

  it('converges after connections are cut mid-stream, after 1, 100 and 1,500 more bytes', async () => {
    await scenario('mid-chunk cuts', 250, async (from) => {
      const cutsBefore = plane.proxy.stats.cuts;
      for (const [at, bytes] of [
        [100, 1],
        [200, 100],
        [245, 1_500],
      ] as const) {
        await churn.reached(from + at);
        plane.proxy.cutAfter(bytes);
      }
      await churn.reached(from + 250);
      await plane.proxy.restore();
      return `${plane.proxy.stats.cuts - cutsBefore} connections cut`;
    });
  });

  for (const seconds of [5, 12]) {
    it(`converges after every connection stops reading for ${seconds} s at the end of the writes`, async () => {
      await scenario(`read stall ${seconds} s`, 250, async (from) => {
        await churn.reached(from + 230);
        await plane.proxy.stall(seconds * 1_000);
        return seconds * 1_000 > deadWatchTimeoutMs ? 'longer than the dead-watch timeout' : 'nothing lost';
      });
    });
  }

  it('notices by itself that its watches were black-holed, recovers on a new connection, and warns naming the resource', async () => {
    const since = Date.now();
    await scenario('black hole', 250, async (from) => {
      await churn.reached(from + 200);
      const watches = subject.lw.watches;
      plane.proxy.blackHole();
      // Nothing reaches the client in the hole: only its own dead-watch timer can make it watch again.
      await expect.poll(() => subject.lw.watches, { timeout: 90_000, interval: 100 }).toBeGreaterThan(watches);
      const detectedMs = Date.now() - since;
      // The route comes back for new connections only: the old ones stay silent, as after a NAT table flush.
      plane.proxy.reopen();
      return `informer watched again ${detectedMs} ms into the hole`;
    });
    // The old connections were never reset, so any warning naming the resource comes from the client's own timers:
    // the silent watch's probe, or a re-watch swallowed by the hole and abandoned (WatchStartTimeoutError).
    const warned = (name: string) => logs.warnings(since, /configmaps/).some((r) => r.name === name);
    expect({ informer: warned('informer'), manager: warned('manager') }).toEqual({ informer: true, manager: true });
  });

  it('converges after the apiserver is paused (SIGSTOP) for 5 s at the end of the writes', async () => {
    await scenario('apiserver SIGSTOP 5 s', 250, async (from) => {
      await churn.reached(from + 230);
      plane.pause();
      await sleep(5_000);
      plane.resume();
      return 'paused 5 s';
    });
  });

  it('converges after the apiserver is killed (SIGKILL) and restarted on the same etcd', async () => {
    await scenario('apiserver SIGKILL + restart', 250, async (from) => {
      await churn.reached(from + 230);
      const killedAt = performance.now();
      await plane.kill();
      await plane.restart();
      return `down ${Math.round(performance.now() - killedAt)} ms`;
    });
  });

  it('relists after a compaction while the watch was down (410) and delivers a tombstone for each object deleted meanwhile', async () => {
    const before = await freshList();
    const tombstonesBefore = subject.view.tombstones.length;
    const goneBefore = subject.lw.gone;
    const syncsBefore = subject.lw.syncs;
    await scenario('compaction while down (410)', 250, async (from) => {
      plane.proxy.refuse();
      await churn.reached(from + 250);
      const revision = await plane.plane.compactEtcd();
      await plane.proxy.restore();
      return `unreachable during the writes, compacted at ${revision}`;
    });
    const after = await freshList();
    const vanished = [...before.keys()].filter((key) => !after.has(key));
    expect(vanished.length).toBeGreaterThan(0);
    expect(subject.lw.gone, '410 Gone met').toBeGreaterThan(goneBefore);
    expect(subject.lw.syncs, 'relists').toBeGreaterThan(syncsBefore);
    expect(subject.view.tombstones.slice(tombstonesBefore)).toEqual(expect.arrayContaining(vanished));
  });
});
