import { describe, expect, it } from 'vitest';
import {
  LeaderElectionOptionsError,
  LeaderElector,
  type LeaderElectorOptions,
  LeaseLock,
  LeaseNotReadError,
} from '../../../../src/controller/leader-election/index.js';
import { ScriptedLeaseClient } from './scripted-lease-client.js';

const client = new ScriptedLeaseClient();
const lock = new LeaseLock({ client, namespace: 'ns', name: 'lock', identity: 'a' });
const callbacks = { onStartedLeading: () => {} };

function build(options: Partial<LeaderElectorOptions>): LeaderElector {
  return new LeaderElector({ lock, callbacks, ...options });
}

describe('LeaderElector options', () => {
  it.each([
    ['a renew deadline equal to the lease', { leaseDurationMs: 10_000 }, /greater than renewDeadlineMs/],
    ['a renew deadline longer than the lease', { renewDeadlineMs: 20_000 }, /greater than renewDeadlineMs/],
    ['a renew deadline of exactly 1.2 × retry', { retryPeriodMs: 10_000 / 1.2 }, /1\.2 × retryPeriodMs/],
    ['a retry period longer than the deadline', { retryPeriodMs: 9_000 }, /1\.2 × retryPeriodMs/],
    ['a lease that is not whole seconds', { leaseDurationMs: 15_500 }, /whole number of seconds/],
    ['a lease under one second', { leaseDurationMs: 0.5, renewDeadlineMs: 0.3, retryPeriodMs: 0.1 }, /seconds/],
    ['a zero retry period', { retryPeriodMs: 0 }, /retryPeriodMs must be a finite number > 0/],
    ['a NaN renew deadline', { renewDeadlineMs: Number.NaN }, /renewDeadlineMs must be a finite number > 0/],
    ['a negative lease', { leaseDurationMs: -15_000 }, /leaseDurationMs must be a finite number > 0/],
  ])('rejects %s', (_what, options, message) => {
    expect(() => build(options)).toThrow(LeaderElectionOptionsError);
    expect(() => build(options)).toThrow(message);
  });

  it('accepts client-go defaults and short timings that keep the order lease > deadline > 1.2 × retry', () => {
    expect(build({})).toBeInstanceOf(LeaderElector);
    expect(build({ leaseDurationMs: 3_000, renewDeadlineMs: 2_000, retryPeriodMs: 500 })).toBeInstanceOf(LeaderElector);
  });

  it('rejects callbacks without onStartedLeading', () => {
    const noCallback = { onStartedLeading: undefined } as unknown as LeaderElectorOptions['callbacks'];
    expect(() => build({ callbacks: noCallback })).toThrow(/onStartedLeading/);
  });

  it.each(['namespace', 'name', 'identity'] as const)('rejects a lock with an empty %s', (key) => {
    const options = { client, namespace: 'ns', name: 'lock', identity: 'a', [key]: '' };
    expect(() => new LeaseLock(options)).toThrow(LeaderElectionOptionsError);
  });
});

describe('LeaseLock', () => {
  it('refuses to update a Lease it has not read, without a request', async () => {
    const fresh = new ScriptedLeaseClient();
    const unread = new LeaseLock({ client: fresh, namespace: 'ns', name: 'lock', identity: 'a' });
    await expect(
      unread.update({ holderIdentity: 'a', leaseDurationSeconds: 15, leaderTransitions: 0 }),
    ).rejects.toThrow(LeaseNotReadError);
    expect(fresh.calls).toEqual([]);
  });

  it('creates the Lease in its namespace under its name, and reads back the record', async () => {
    const fresh = new ScriptedLeaseClient();
    const created = new LeaseLock({ client: fresh, namespace: 'ns', name: 'lock', identity: 'a' });
    const record = { holderIdentity: 'a', leaseDurationSeconds: 15, leaderTransitions: 2, renewTime: 'r' };
    await created.create(record);
    expect(fresh.lease?.metadata).toMatchObject({ namespace: 'ns', name: 'lock' });
    expect(await created.get()).toEqual({ ...record, acquireTime: undefined });
  });
});
