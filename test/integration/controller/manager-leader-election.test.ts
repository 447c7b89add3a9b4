import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { newControllerManagedBy } from '../../../src/controller/builder.js';
import { formatMicroTime } from '../../../src/controller/leader-election/lease-lock.js';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import { retryOnConflict } from '../../../src/controller/retry-on-conflict.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';

// Short timings keep the test quick; a 4 s renew deadline rides out a slow apiserver on a loaded machine.
const short = { leaseDurationMs: 5_000, renewDeadlineMs: 4_000, retryPeriodMs: 500 };
// Generous: a loaded 2-core machine may take far longer than the timings; no assertion depends on speed.
const patience = { timeout: 90_000, interval: 50 };

interface Replica {
  readonly identity: string;
  readonly manager: Manager;
  readonly stop: AbortController;
  readonly done: Promise<void>;
}

/** One reconcile as seen when it started: who ran it, and whether each replica believed it led at that moment. */
interface Reconcile {
  readonly by: string;
  readonly key: string;
  readonly selfLeading: boolean;
  readonly othersLeading: readonly string[];
}

describe('Manager with leader election against the apiserver', () => {
  it('runs the controllers on one replica only, and fails over when the leader dies without releasing', async () => {
    const namespace = await testNamespace('manager-failover');
    const config = await adminConfig();
    const reconciles: Reconcile[] = [];
    const replicas: Replica[] = [];
    let twoLeaders = 0;
    const sampler = setInterval(() => {
      if (replicas.filter((r) => r.manager.isLeader()).length > 1) twoLeaders += 1;
    }, 5);
    onTestFinished(async () => {
      clearInterval(sampler);
      for (const replica of replicas) replica.stop.abort();
      await Promise.all(replicas.map((r) => r.done));
    });

    for (const identity of ['replica-a', 'replica-b']) {
      const manager = newManager({
        config,
        namespace,
        logger: createLogger({ level: 'silent' }),
        leaderElection: { namespace, name: 'manager-lock', identity, ...short },
      });
      const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
      newControllerManagedBy(manager)
        .named('failover-configmaps')
        .withOptions({ logger: createLogger({ level: 'silent' }) })
        .for(configMaps)
        .complete(async (request) => {
          reconciles.push({
            by: identity,
            key: request.name,
            selfLeading: manager.isLeader(),
            othersLeading: replicas.filter((r) => r.manager !== manager && r.manager.isLeader()).map((r) => r.identity),
          });
        });
      const stop = new AbortController();
      replicas.push({ identity, manager, stop, done: manager.start(stop.signal) });
    }
    const configMaps = replicas[0]?.manager.clientSet.coreV1().configMaps(namespace);
    await configMaps?.create({ metadata: { name: 'first' } });

    await vi.waitFor(() => expect(reconciles.map((r) => r.key)).toContain('first'), patience);
    const leader = replicas.find((r) => r.identity === reconciles[0]?.by);
    const standby = replicas.find((r) => r !== leader);
    if (!leader || !standby) throw new Error('expected one leader and one standby');
    expect(standby.manager.isLeader()).toBe(false);
    expect(standby.manager.readiness().ok).toBe(true);

    // Dies without releasing (releaseOnCancel is off): the standby must wait out the lease, then take over.
    leader.stop.abort();
    await leader.done;
    await vi.waitFor(() => expect(standby.manager.isLeader()).toBe(true), patience);
    await configMaps?.create({ metadata: { name: 'second' } });
    await vi.waitFor(
      () => expect(reconciles.map((r) => `${r.by} ${r.key}`)).toContain(`${standby.identity} second`),
      patience,
    );

    expect(reconciles.filter((r) => r.key === 'first' && r.by === leader.identity)).not.toHaveLength(0);
    expect(reconciles.filter((r) => r.by === leader.identity).map((r) => r.key)).not.toContain('second');
    for (const reconcile of reconciles) {
      expect(reconcile).toMatchObject({ selfLeading: true, othersLeading: [] });
    }
    expect(twoLeaders).toBe(0);
  });

  it('stops the controllers when the lease is lost, and campaigns and runs them again without exiting', async () => {
    const namespace = await testNamespace('manager-relead');
    const config = await adminConfig();
    const manager = newManager({
      config,
      namespace,
      logger: createLogger({ level: 'silent' }),
      leaderElection: { namespace, name: 'relead-lock', identity: 'only-replica', ...short },
    });
    const reconciles: { readonly key: string; readonly leading: boolean }[] = [];
    const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
    newControllerManagedBy(manager)
      .named('relead-configmaps')
      .withOptions({ logger: createLogger({ level: 'silent' }) })
      .for(configMaps)
      .complete(async (request) => {
        reconciles.push({ key: request.name, leading: manager.isLeader() });
      });
    const stop = new AbortController();
    const done = manager.start(stop.signal);
    let settled = false;
    void done.finally(() => {
      settled = true;
    });
    onTestFinished(async () => {
      stop.abort();
      await done;
    });
    const client = manager.clientSet.coreV1().configMaps(namespace);
    await client.create({ metadata: { name: 'before-theft' } });
    await vi.waitFor(() => expect(reconciles.map((r) => r.key)).toContain('before-theft'), patience);

    // Another holder takes the Lease for 5 s: the manager must stop leading, then win it back once it expired.
    const leases = manager.clientSet.coordinationV1().leases(namespace);
    await retryOnConflict(async () => {
      const lease = await leases.get('relead-lock');
      await leases.update({
        ...lease,
        spec: {
          ...lease.spec,
          holderIdentity: 'thief',
          leaseDurationSeconds: 5,
          renewTime: formatMicroTime(Date.now()),
        },
      });
    });
    await vi.waitFor(() => expect(manager.isLeader()).toBe(false), patience);
    await client.create({ metadata: { name: 'during-theft' } });
    await vi.waitFor(() => expect(manager.isLeader()).toBe(true), patience);
    await vi.waitFor(() => expect(reconciles.map((r) => r.key)).toContain('during-theft'), patience);

    expect(settled).toBe(false);
    expect(await manager.metricsRegistry.metrics()).toContain('leader_election_master_status{name="relead-lock"} 1');
    expect(reconciles.every((r) => r.leading)).toBe(true);
    const lease = await leases.get('relead-lock');
    expect(lease.spec?.holderIdentity).toBe('only-replica');
    expect(lease.spec?.leaseTransitions).toBe(1);
  });

  it('keeps renewing the lease while a stopping leader drains, so the standby takes over only after', async () => {
    const namespace = await testNamespace('manager-drain');
    const config = await adminConfig();
    const log: string[] = [];
    const replicas: Replica[] = [];
    let twoLeaders = 0;
    const sampler = setInterval(() => {
      const leaders = replicas.filter((r) => r.manager.isLeader());
      if (leaders.length > 1) twoLeaders += 1;
      for (const r of leaders) if (!log.includes(`${r.identity} leads`)) log.push(`${r.identity} leads`);
    }, 5);
    onTestFinished(async () => {
      clearInterval(sampler);
      for (const replica of replicas) replica.stop.abort();
      await Promise.all(replicas.map((r) => r.done));
    });

    for (const identity of ['drain-a', 'drain-b']) {
      const manager = newManager({
        config,
        namespace,
        logger: createLogger({ level: 'silent' }),
        leaderElection: { namespace, name: 'drain-lock', identity, ...short },
      });
      const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
      newControllerManagedBy(manager)
        .named('drain-configmaps')
        .withOptions({ logger: createLogger({ level: 'silent' }) })
        .for(configMaps)
        .complete(async (request, context) => {
          // Only the first reconcile is slow: the new leader's replay of it need not hold the test's teardown.
          if (log.some((line) => line.endsWith(`started ${request.name}`))) return;
          log.push(`${identity} started ${request.name}`);
          // Longer than the lease: a leader that stopped renewing would be replaced before this ends.
          await delay(short.leaseDurationMs + 3_000);
          log.push(`${identity} reconciled ${request.name} aborted=${context.signal.aborted}`);
        });
      const stop = new AbortController();
      replicas.push({ identity, manager, stop, done: manager.start(stop.signal) });
    }
    await replicas[0]?.manager.clientSet
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'slow' } });
    await vi.waitFor(() => expect(log.filter((line) => line.endsWith('started slow'))).toHaveLength(1), patience);
    const leader = replicas.find((r) => log.includes(`${r.identity} started slow`));
    const standby = replicas.find((r) => r !== leader);
    if (!leader || !standby) throw new Error('expected one leader and one standby');

    leader.stop.abort();
    await leader.done;
    await vi.waitFor(() => expect(log).toContain(`${standby.identity} leads`), patience);

    const finished = log.indexOf(`${leader.identity} reconciled slow aborted=false`);
    expect(finished).toBeGreaterThan(-1);
    expect(finished).toBeLessThan(log.indexOf(`${standby.identity} leads`));
    expect(twoLeaders).toBe(0);
  });

  it('releases the Lease with releaseOnCancel once its controllers stopped on a graceful stop', async () => {
    const namespace = await testNamespace('manager-release');
    const config = await adminConfig();
    const manager = newManager({
      config,
      namespace,
      logger: createLogger({ level: 'silent' }),
      leaderElection: { namespace, name: 'release-lock', identity: 'releaser', releaseOnCancel: true, ...short },
    });
    const configMaps = manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));
    const leases = manager.clientSet.coordinationV1().leases(namespace);
    const holders: (string | undefined)[] = [];
    const controller = newControllerManagedBy(manager)
      .named('release-configmaps')
      .withOptions({ logger: createLogger({ level: 'silent' }) })
      .for(configMaps)
      .complete(async (request, context) => {
        if (request.name !== 'slow') return;
        await delay(1_000);
        // Still draining after the stop: the Lease must still be ours.
        if (context.signal.aborted === false) holders.push((await leases.get('release-lock')).spec?.holderIdentity);
      });
    const stop = new AbortController();
    const done = manager.start(stop.signal);
    onTestFinished(async () => {
      stop.abort();
      await done;
    });
    await vi.waitFor(() => expect(manager.isLeader()).toBe(true), patience);
    await manager.clientSet
      .coreV1()
      .configMaps(namespace)
      .create({ metadata: { name: 'slow' } });
    await vi.waitFor(() => expect(controller.stats().inFlight).toBe(1), patience);

    stop.abort();
    await done;
    expect(holders).toEqual(['releaser']);
    const lease = await leases.get('release-lock');
    expect(lease.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1 });
  });
});
