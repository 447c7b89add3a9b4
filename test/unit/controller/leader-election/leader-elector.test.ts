import { describe, expect, it } from 'vitest';
import {
  formatMicroTime,
  LeaderElector,
  LeaderElectorBusyError,
  LeadershipLostError,
  runLeaderElection,
} from '../../../../src/controller/leader-election/index.js';
import { capturingLogger } from '../../auth/log-capture.js';
import { settle } from '../../support/fake-clock.js';
import { harness, until } from './harness.js';

const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('LeaderElector acquiring', () => {
  it('creates a missing Lease and leads, holding it with its identity and the lease duration in seconds', async () => {
    const { clock, client, elector, events, controller } = harness();
    const done = elector.run(controller.signal);
    await until(() => elector.isLeader());
    expect(client.calls).toEqual(['get', 'create']);
    const spec = client.lease?.spec;
    expect(spec).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 0 });
    expect(spec?.acquireTime).toBe(formatMicroTime(clock.now()));
    expect(spec?.renewTime).toMatch(microTime);
    expect(events).toEqual(['leader a', 'started']);
    expect(elector.getLeader()).toBe('a');
    controller.abort();
    await done;
  });

  it('takes a lease another holder stopped renewing once the lease duration passed on its own clock', async () => {
    const { clock, client, elector, events, controller } = harness();
    client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15, leaseTransitions: 3 });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    expect(elector.isLeader()).toBe(false);
    expect(elector.getLeader()).toBe('b');
    await clock.advance(14_999);
    expect(elector.isLeader()).toBe(false);
    expect(client.lease?.spec?.holderIdentity).toBe('b');
    await clock.advance(4_401);
    expect(elector.isLeader()).toBe(true);
    expect(client.lease?.spec).toMatchObject({ holderIdentity: 'a', leaseTransitions: 4 });
    expect(client.writes[0]?.acquireTime).toBe(client.writes[0]?.renewTime);
    expect(client.lease?.spec?.acquireTime).toBe(client.writes[0]?.acquireTime);
    expect(events).toEqual(['leader b', 'leader a', 'started']);
    controller.abort();
    await done;
  });

  it('does not take a live lease whose renewTime lies far in the past: only its own clock counts', async () => {
    const { clock, client, elector, controller } = harness();
    const renewTime = '2001-01-01T00:00:00.000000Z';
    client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15, renewTime, acquireTime: renewTime });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    await clock.advance(14_000);
    expect(client.calls.filter((verb) => verb === 'get').length).toBeGreaterThan(2);
    expect(client.calls).not.toContain('update');
    expect(elector.isLeader()).toBe(false);
    controller.abort();
    await done;
  });

  it('takes a lease whose renewTime lies far in the future once it went unchanged for the lease duration', async () => {
    const { clock, client, elector, controller } = harness();
    const renewTime = '2199-01-01T00:00:00.000000Z';
    client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15, renewTime, acquireTime: renewTime });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    await clock.advance(20_000);
    expect(elector.isLeader()).toBe(true);
    controller.abort();
    await done;
  });

  it('never takes a lease whose holder keeps changing the record, however long it waits', async () => {
    const { clock, client, elector, controller } = harness();
    client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15, renewTime: formatMicroTime(0) });
    const done = elector.run(controller.signal);
    for (let renewal = 1; renewal <= 12; renewal++) {
      await clock.advance(5_000);
      client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15, renewTime: formatMicroTime(renewal) });
    }
    expect(elector.isLeader()).toBe(false);
    expect(client.writes).toEqual([]);
    controller.abort();
    await done;
  });

  it('fails the attempt when its update conflicts with another write, and succeeds on a later attempt', async () => {
    const { clock, client, elector, controller } = harness();
    client.writeAsOther({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 7 });
    client.beforeNext('update', () => client.writeAsOther({ holderIdentity: '', leaseDurationSeconds: 1 }));
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    expect(client.calls).toEqual(['get', 'update']);
    expect(client.writes).toEqual([]);
    expect(elector.isLeader()).toBe(false);
    await clock.fireNext();
    expect(elector.isLeader()).toBe(true);
    expect(client.lease?.spec).toMatchObject({ holderIdentity: 'a', leaseTransitions: 1 });
    controller.abort();
    await done;
  });

  it('fails the attempt when another candidate creates the Lease first', async () => {
    const { clock, client, elector, controller } = harness();
    client.beforeNext('create', () => client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15 }));
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    expect(client.calls).toEqual(['get', 'create']);
    expect(elector.isLeader()).toBe(false);
    expect(client.lease?.spec?.holderIdentity).toBe('b');
    controller.abort();
    await done;
  });

  it('waits between attempts between retryPeriod and 2.2 × retryPeriod, jittered', async () => {
    const { clock, client, elector, controller } = harness();
    client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 3600 });
    const done = elector.run(controller.signal);
    for (let attempt = 0; attempt < 30; attempt++) {
      await clock.waitForSleeps(1);
      await clock.fireNext();
    }
    expect(clock.sleeps.length).toBeGreaterThanOrEqual(30);
    for (const ms of clock.sleeps) {
      expect(ms).toBeGreaterThanOrEqual(2_000);
      expect(ms).toBeLessThanOrEqual(4_400);
    }
    expect(new Set(clock.sleeps).size).toBeGreaterThan(1);
    controller.abort();
    await done;
  });

  it('resolves run without leading or calling onStoppedLeading when aborted while campaigning', async () => {
    const { clock, client, elector, events, controller } = harness();
    client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15 });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    controller.abort();
    await done;
    expect(events).toEqual(['leader b']);
  });

  it('rejects a second run while one is in progress', async () => {
    const { clock, elector, controller } = harness();
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    await expect(elector.run(controller.signal)).rejects.toBeInstanceOf(LeaderElectorBusyError);
    expect(elector.isLeader()).toBe(true);
    controller.abort();
    await done;
  });
});

describe('LeaderElector leading', () => {
  it('renews every retryPeriod with one update, keeping acquireTime and the transition count', async () => {
    const { clock, client, elector, controller } = harness();
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    const acquired = client.lease?.spec;
    for (let period = 1; period <= 5; period++) {
      expect(await clock.fireNext()).toBe(2_000);
      await clock.waitForSleeps(1);
      expect(client.lease?.spec?.renewTime).toBe(formatMicroTime(clock.now()));
    }
    expect(client.calls).toEqual(['get', 'create', 'update', 'update', 'update', 'update', 'update']);
    expect(client.lease?.spec).toMatchObject({
      holderIdentity: 'a',
      acquireTime: acquired?.acquireTime,
      leaseTransitions: 0,
    });
    expect(elector.isLeader()).toBe(true);
    controller.abort();
    await done;
  });

  it('keeps acquireTime and transitions when it finds its own identity already holding the Lease', async () => {
    const { clock, client, elector, controller } = harness();
    const acquireTime = '2020-02-02T00:00:00.000000Z';
    client.writeAsOther({ holderIdentity: 'a', leaseDurationSeconds: 15, leaseTransitions: 9, acquireTime });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    expect(elector.isLeader()).toBe(true);
    expect(client.lease?.spec).toMatchObject({ holderIdentity: 'a', leaseTransitions: 9, acquireTime });
    controller.abort();
    await done;
  });

  it('stops leading once renewDeadline passed since its last successful renewal, not a moment before', async () => {
    const { clock, client, elector, events, terms, controller } = harness();
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    client.break('get', 'update');
    await clock.advance(9_999);
    expect(elector.isLeader()).toBe(true);
    expect(terms[0]?.aborted).toBe(false);
    await clock.advance(1);
    await done;
    expect(elector.isLeader()).toBe(false);
    expect(terms[0]?.reason).toBeInstanceOf(LeadershipLostError);
    expect(events).toEqual(['leader a', 'started', 'stopped']);
    expect(client.calls.filter((verb) => verb === 'update').length).toBe(4);
  });

  it('aborts a renewal request still in flight at the renew deadline and stops leading', async () => {
    const { clock, client, elector, terms, controller } = harness();
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    client.hang('update', 'get');
    await clock.advance(9_999);
    expect(elector.isLeader()).toBe(true);
    await clock.advance(1);
    await done;
    expect(elector.isLeader()).toBe(false);
    expect(terms[0]?.aborted).toBe(true);
  });

  it('keeps leading when a renewal fails once but a retry succeeds before the deadline', async () => {
    const { clock, client, elector, events, controller } = harness();
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    client.break('update');
    await clock.advance(2_000 + 4_000);
    client.heal();
    await clock.advance(2_000);
    await clock.advance(20_000);
    expect(elector.isLeader()).toBe(true);
    expect(events).toEqual(['leader a', 'started']);
    controller.abort();
    await done;
  });

  it('stops leading at once when it sees another holder took its Lease', async () => {
    const { clock, client, elector, events, terms, controller } = harness();
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    client.writeAsOther({ holderIdentity: 'c', leaseDurationSeconds: 15, leaseTransitions: 1 });
    await clock.advance(2_000);
    await done;
    expect(elector.isLeader()).toBe(false);
    expect(elector.getLeader()).toBe('c');
    expect(terms[0]?.reason).toBeInstanceOf(LeadershipLostError);
    expect(events).toEqual(['leader a', 'started', 'leader c', 'stopped']);
  });

  it('waits for the work of onStartedLeading to settle before run resolves', async () => {
    let finishWork: () => void = () => {};
    const work = new Promise<void>((resolve) => {
      finishWork = resolve;
    });
    const { clock, elector, controller } = harness({ callbacks: { onStartedLeading: () => work } });
    let resolved = false;
    const done = elector.run(controller.signal).then(() => {
      resolved = true;
    });
    await clock.waitForSleeps(1);
    controller.abort();
    await settle();
    expect(elector.isLeader()).toBe(false);
    expect(resolved).toBe(false);
    finishWork();
    await done;
    expect(resolved).toBe(true);
  });
});

describe('LeaderElector after a slow acquisition (issue 9: leadership flapped when acquiring was slow)', () => {
  it('keeps leading and renews normally when the acquiring create took longer than renewDeadline', async () => {
    const { logger, lines } = capturingLogger();
    const { clock, client, elector, events, terms, controller } = harness({ logger });
    client.delayNext('create', clock, 12_000);
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    await clock.advance(12_000);
    expect(elector.isLeader()).toBe(true);
    for (let period = 1; period <= 10; period++) {
      expect(await clock.fireNext()).toBe(2_000);
      await clock.waitForSleeps(1);
      expect(client.lease?.spec?.renewTime).toBe(formatMicroTime(clock.now()));
    }
    expect(elector.isLeader()).toBe(true);
    expect(terms[0]?.aborted).toBe(false);
    expect(events).toEqual(['leader a', 'started']);
    expect(lines.join('')).not.toContain('failed to renew lease');
    controller.abort();
    await done;
  });

  it('counts the first renew deadline from when the slow acquisition succeeded', async () => {
    const { clock, client, elector, events, terms, controller } = harness();
    client.writeAsOther({ holderIdentity: '', leaseDurationSeconds: 1 });
    client.delayNext('update', clock, 30_000);
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    await clock.advance(30_000);
    expect(elector.isLeader()).toBe(true);
    client.break('get', 'update');
    await clock.advance(9_999);
    expect(elector.isLeader()).toBe(true);
    expect(terms[0]?.aborted).toBe(false);
    await clock.advance(1);
    await done;
    expect(terms[0]?.reason).toBeInstanceOf(LeadershipLostError);
    expect(events).toEqual(['leader a', 'started', 'stopped']);
  });
});

describe('LeaderElector releasing', () => {
  it('with releaseOnCancel, writes holder "" and a 1 s lease once the work settled, keeping transitions', async () => {
    let finishWork: () => void = () => {};
    const work = new Promise<void>((resolve) => {
      finishWork = resolve;
    });
    const { clock, client, elector, controller } = harness({
      releaseOnCancel: true,
      callbacks: { onStartedLeading: () => work },
    });
    client.writeAsOther({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 2 });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    controller.abort();
    await settle();
    expect(client.lease?.spec?.holderIdentity).toBe('a');
    finishWork();
    await done;
    expect(client.lease?.spec).toMatchObject({ holderIdentity: '', leaseDurationSeconds: 1, leaseTransitions: 3 });
    expect(client.lease?.spec?.renewTime).toMatch(microTime);
    expect(elector.getLeader()).toBe('');
  });

  it('without releaseOnCancel, leaves the Lease held when its signal aborts', async () => {
    const { clock, client, elector, events, controller } = harness();
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    const writes = client.writes.length;
    controller.abort();
    await done;
    expect(client.writes.length).toBe(writes);
    expect(client.lease?.spec?.holderIdentity).toBe('a');
    expect(events).toEqual(['leader a', 'started', 'stopped']);
  });

  it('does not release a Lease it lost', async () => {
    const { clock, client, elector, controller } = harness({ releaseOnCancel: true });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    client.writeAsOther({ holderIdentity: 'c', leaseDurationSeconds: 15 });
    await clock.advance(2_000);
    await done;
    controller.abort();
    expect(client.lease?.spec?.holderIdentity).toBe('c');
  });
});

describe('onNewLeader', () => {
  it('is called once per observed holder change, in order, never for a released lease', async () => {
    const { clock, client, elector, events, controller } = harness();
    client.writeAsOther({ holderIdentity: 'b', leaseDurationSeconds: 15 });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    await clock.fireNext();
    client.writeAsOther({ holderIdentity: 'c', leaseDurationSeconds: 15 });
    await clock.fireNext();
    client.writeAsOther({ holderIdentity: '', leaseDurationSeconds: 15 });
    client.beforeNext('update', () => client.writeAsOther({ holderIdentity: '', leaseDurationSeconds: 1 }));
    await clock.fireNext();
    expect(elector.getLeader()).toBe('');
    await clock.fireNext();
    expect(elector.isLeader()).toBe(true);
    expect(events).toEqual(['leader b', 'leader c', 'leader a', 'started']);
    controller.abort();
    await done;
  });

  it('never lets a throwing callback disturb the election', async () => {
    const { clock, elector, controller } = harness({
      callbacks: {
        onStartedLeading: () => Promise.reject(new Error('work failed')),
        onNewLeader: () => {
          throw new Error('observer failed');
        },
        onStoppedLeading: () => {
          throw new Error('cleanup failed');
        },
      },
    });
    const done = elector.run(controller.signal);
    await clock.waitForSleeps(1);
    await clock.fireNext();
    expect(elector.isLeader()).toBe(true);
    controller.abort();
    await expect(done).resolves.toBeUndefined();
  });
});

describe('runLeaderElection', () => {
  it('campaigns again after losing the lease and leads a new term, until its signal aborts', async () => {
    const { clock, client, elector, events, terms, controller } = harness();
    const done = runLeaderElection(elector, controller.signal);
    await clock.waitForSleeps(1);
    client.writeAsOther({ holderIdentity: 'c', leaseDurationSeconds: 15 });
    await clock.advance(2_000);
    expect(elector.isLeader()).toBe(false);
    expect(terms[0]?.aborted).toBe(true);
    await clock.advance(15_000 + 4_400);
    expect(elector.isLeader()).toBe(true);
    expect(terms.length).toBe(2);
    expect(terms[1]?.aborted).toBe(false);
    expect(events).toEqual(['leader a', 'started', 'leader c', 'stopped', 'leader a', 'started']);
    controller.abort();
    await done;
    expect(events.at(-1)).toBe('stopped');
  });
});

describe('formatMicroTime', () => {
  it('formats RFC 3339 in UTC with six fractional digits', () => {
    expect(formatMicroTime(Date.UTC(2026, 10, 23, 11, 8, 0, 123))).toBe('2026-11-23T11:08:00.123000Z');
    expect(formatMicroTime(Date.UTC(2026, 0, 2, 3, 4, 5, 6) + 0.789)).toBe('2026-01-02T03:04:05.006789Z');
  });
});

describe('LeaderElector options', () => {
  it('accepts client-go defaults', () => {
    expect(() => harness()).not.toThrow();
    expect(harness().elector).toBeInstanceOf(LeaderElector);
  });
});
