import { describe, expect, inject, it, onTestFinished, vi } from 'vitest';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import type { Runnable } from '../../../src/controller/runnable.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
// Short timings keep the test quick; a 4 s renew deadline rides out a slow apiserver on a loaded machine.
const short = { leaseDurationMs: 5_000, renewDeadlineMs: 4_000, retryPeriodMs: 500 };
// Generous: a loaded 2-core machine may take far longer than the timings; no assertion depends on speed.
const patience = { timeout: 90_000, interval: 50 };

/** A runnable that records whether it runs now. */
function flag(name: string, needLeaderElection: boolean): Runnable & { running: boolean } {
  return {
    name,
    needLeaderElection,
    running: false,
    async start(signal) {
      this.running = true;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      this.running = false;
    },
  };
}

interface Replica {
  readonly manager: Manager;
  readonly everywhere: ReturnType<typeof flag>;
  readonly leaderOnly: ReturnType<typeof flag>;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

describe('Manager runnables with leader election against a real apiserver', () => {
  it('runs leader-election runnables on the leader only and the others on every replica; hands over on release', async () => {
    const namespace = await testNamespace('manager-runnables');
    const config = await restConfigFor(plane.kubeconfigPath, plane.adminContext);
    const replicas: Replica[] = [];
    onTestFinished(async () => {
      for (const replica of replicas) replica.stop.abort();
      await Promise.all(replicas.map((r) => r.done.catch(() => undefined)));
    });
    for (const identity of ['replica-a', 'replica-b']) {
      const manager = newManager({
        config,
        namespace,
        logger: createLogger({ level: 'silent' }),
        leaderElection: { namespace, name: 'runnables-lock', identity, releaseOnCancel: true, ...short },
      });
      const everywhere = flag('webhooks', false);
      const leaderOnly = flag('singleton-loop', true);
      manager.addRunnable(everywhere);
      manager.addRunnable(leaderOnly);
      const stop = new AbortController();
      replicas.push({ manager, everywhere, leaderOnly, stop, done: manager.start(stop.signal) });
    }

    await vi.waitFor(() => expect(replicas.filter((r) => r.leaderOnly.running)).toHaveLength(1), patience);
    const leader = replicas.find((r) => r.leaderOnly.running);
    const standby = replicas.find((r) => !r.leaderOnly.running);
    if (!leader || !standby) throw new Error('expected one leader and one standby');
    expect(leader.manager.isLeader()).toBe(true);
    expect(replicas.every((r) => r.everywhere.running)).toBe(true);

    leader.stop.abort();
    await leader.done;
    expect(leader.leaderOnly.running).toBe(false);
    expect(leader.everywhere.running).toBe(false);
    await vi.waitFor(() => expect(standby.leaderOnly.running).toBe(true), patience);
    expect(standby.everywhere.running).toBe(true);
  });
});
