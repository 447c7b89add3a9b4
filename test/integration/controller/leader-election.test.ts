import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { Lease } from '../../../src/client/kubernetes/coordination-v1/types.js';
import type { ResourceClient } from '../../../src/client/typed/resource-client.js';
import {
  LeaderElector,
  type LeaderElectorOptions,
  LeaseLock,
  runLeaderElection,
} from '../../../src/controller/leader-election/index.js';
import { createLogger } from '../../../src/logger.js';
import { adminConfig, testNamespace } from '../support.js';

// Short timings keep the tests quick; a 4 s renew deadline lets a leader ride out a slow apiserver on a loaded
// machine, and the 1 s margin to the lease is what keeps two candidates from leading at once.
const short = { leaseDurationMs: 5_000, renewDeadlineMs: 4_000, retryPeriodMs: 500 };
// Generous: a loaded 2-core machine may take far longer than the timings; no assertion depends on speed.
const patience = { timeout: 60_000, interval: 50 };

interface Candidate {
  readonly identity: string;
  readonly elector: LeaderElector;
  readonly controller: AbortController;
  readonly done: Promise<void>;
  readonly events: string[];
}

const running: Candidate[] = [];
let bothLeading = 0;
let sampler: ReturnType<typeof setInterval> | undefined;

/** Samples every 5 ms whether two candidates believe they lead at once; any such instant is a failure. */
function watchForTwoLeaders(): void {
  sampler = setInterval(() => {
    if (running.filter((c) => c.elector.isLeader()).length > 1) bothLeading += 1;
  }, 5);
}

afterEach(async () => {
  clearInterval(sampler);
  for (const candidate of running.splice(0)) {
    candidate.controller.abort();
    await candidate.done;
  }
  expect(bothLeading).toBe(0);
  bothLeading = 0;
});

async function leasesIn(namespace: string): Promise<ResourceClient<Lease>> {
  return ClientSet.forConfig(await adminConfig())
    .coordinationV1()
    .leases(namespace);
}

/** Starts a candidate campaigning (again after each loss) for Lease `lock` in `namespace`. */
function campaign(
  client: ResourceClient<Lease>,
  namespace: string,
  identity: string,
  options: Partial<LeaderElectorOptions> = {},
): Candidate {
  const events: string[] = [];
  const elector = new LeaderElector({
    lock: new LeaseLock({ client, namespace, name: 'lock', identity }),
    ...short,
    logger: createLogger({ level: 'silent' }),
    callbacks: {
      onStartedLeading: () => {
        events.push('started');
      },
      onStoppedLeading: () => events.push('stopped'),
      onNewLeader: (leader) => events.push(`leader ${leader}`),
    },
    ...options,
  });
  const controller = new AbortController();
  const candidate = { identity, elector, controller, done: runLeaderElection(elector, controller.signal), events };
  running.push(candidate);
  return candidate;
}

function leaderOf(candidates: readonly Candidate[]): Candidate | undefined {
  return candidates.find((c) => c.elector.isLeader());
}

describe('leader election against the apiserver', () => {
  it('elects exactly one of two candidates, the one the Lease names', async () => {
    const namespace = await testNamespace('le-one');
    const leases = await leasesIn(namespace);
    watchForTwoLeaders();
    const candidates = [campaign(leases, namespace, 'alpha'), campaign(leases, namespace, 'beta')];
    await vi.waitFor(() => expect(leaderOf(candidates)).toBeDefined(), patience);
    let checked = 0;
    for (let sample = 0; sample < 12; sample++) {
      const before = leaderOf(candidates);
      const lease = await leases.get('lock');
      const after = leaderOf(candidates);
      if (before !== undefined && before === after) {
        expect(lease.spec?.holderIdentity).toBe(before.identity);
        checked += 1;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(checked).toBeGreaterThan(0);
    const leader = leaderOf(candidates);
    const follower = candidates.find((c) => c !== leader);
    expect(follower?.events).toContain(`leader ${leader?.identity}`);
    expect(follower?.events).not.toContain('started');
  });

  it('hands the lease to the other candidate once a leader that stopped without releasing lets it expire', async () => {
    const namespace = await testNamespace('le-crash');
    const leases = await leasesIn(namespace);
    watchForTwoLeaders();
    const candidates = [campaign(leases, namespace, 'alpha'), campaign(leases, namespace, 'beta')];
    await vi.waitFor(() => expect(leaderOf(candidates)).toBeDefined(), patience);
    const crashed = leaderOf(candidates) as Candidate;
    const survivor = candidates.find((c) => c !== crashed) as Candidate;
    const transitions = (await leases.get('lock')).spec?.leaseTransitions ?? 0;
    crashed.controller.abort();
    await crashed.done;
    expect((await leases.get('lock')).spec?.holderIdentity).toBe(crashed.identity);
    await vi.waitFor(() => expect(survivor.elector.isLeader()).toBe(true), patience);
    const lease = await leases.get('lock');
    expect(lease.spec?.holderIdentity).toBe(survivor.identity);
    expect(lease.spec?.leaseTransitions).toBe(transitions + 1);
    expect(survivor.events).toEqual([`leader ${crashed.identity}`, `leader ${survivor.identity}`, 'started']);
  });

  it('with releaseOnCancel, hands the lease over long before it could have expired', async () => {
    const namespace = await testNamespace('le-release');
    const leases = await leasesIn(namespace);
    watchForTwoLeaders();
    // A 5-minute lease: without the release, no takeover could happen within the wait below.
    const slow = { leaseDurationMs: 300_000, releaseOnCancel: true };
    const candidates = [campaign(leases, namespace, 'alpha', slow), campaign(leases, namespace, 'beta', slow)];
    await vi.waitFor(() => expect(leaderOf(candidates)).toBeDefined(), patience);
    const leaving = leaderOf(candidates) as Candidate;
    const staying = candidates.find((c) => c !== leaving) as Candidate;
    leaving.controller.abort();
    await leaving.done;
    expect(leaving.events.at(-1)).toBe('stopped');
    await vi.waitFor(() => expect(staying.elector.isLeader()).toBe(true), patience);
    expect((await leases.get('lock')).spec).toMatchObject({
      holderIdentity: staying.identity,
      leaseDurationSeconds: 300,
    });
  });

  it('stops leading when the Lease is taken over by force, and campaigns again until it leads once more', async () => {
    const namespace = await testNamespace('le-force');
    const leases = await leasesIn(namespace);
    const alone = campaign(leases, namespace, 'alpha');
    await vi.waitFor(() => expect(alone.elector.isLeader()).toBe(true), patience);
    const taken = await leases.get('lock');
    const intruder = { ...taken.spec, holderIdentity: 'intruder', leaseDurationSeconds: 3 };
    await leases.update({ ...taken, spec: intruder });
    await vi.waitFor(() => expect(alone.events).toContain('stopped'), patience);
    expect(alone.events).toContain('leader intruder');
    await vi.waitFor(() => expect(alone.elector.isLeader()).toBe(true), patience);
    expect(alone.events.filter((e) => e === 'started').length).toBe(2);
    expect((await leases.get('lock')).spec?.holderIdentity).toBe('alpha');
  });
});
