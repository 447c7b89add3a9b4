import { describe, expect, it } from 'vitest';
import { LeaderElectionOptionsError } from '../../../../src/controller/leader-election/errors.js';
import { newManager } from '../../../../src/controller/manager.js';
import {
  cacheSyncTimeoutMessage,
  ManagerError,
  ManagerOptionsError,
} from '../../../../src/controller/manager-errors.js';
import type { ManagerOptions } from '../../../../src/controller/manager-options.js';
import { KubeloopError } from '../../../../src/errors.js';

// Never contacted: building a manager sends no request.
const config = { host: 'https://127.0.0.1:1' };

describe('newManager options', () => {
  it.each<[string, Partial<ManagerOptions>, string]>([
    ['a zero cache sync timeout', { cacheSyncTimeoutMs: 0 }, 'cacheSyncTimeoutMs must be a number > 0, got 0'],
    ['an infinite cache sync timeout', { cacheSyncTimeoutMs: Number.POSITIVE_INFINITY }, 'cacheSyncTimeoutMs'],
    ['a negative grace period', { gracefulShutdownTimeoutMs: -1 }, 'gracefulShutdownTimeoutMs must be a number >= 0'],
    ['a NaN stall bound', { watchStallTimeoutMs: Number.NaN }, 'watchStallTimeoutMs must be a number > 0, got NaN'],
    ['a zero stuck bound', { workerStuckTimeoutMs: 0 }, 'workerStuckTimeoutMs must be a number > 0, got 0'],
    ['a port out of range', { healthProbe: { port: 70_000 } }, 'healthProbe.port must be an integer in 0..65535'],
    ['a fractional port', { healthProbe: { port: 80.5 } }, 'healthProbe.port must be an integer'],
    ['an empty host', { healthProbe: { port: 0, host: '' } }, 'healthProbe.host must be a non-empty string'],
    ['a lease without a name', { leaderElection: { namespace: 'ns', name: '' } }, 'leaderElection.name'],
    ['a lease without a namespace', { leaderElection: { namespace: '', name: 'l' } }, 'leaderElection.namespace'],
    ['an empty identity', { leaderElection: { namespace: 'ns', name: 'l', identity: '' } }, 'leaderElection.identity'],
  ])('rejects %s with a ManagerOptionsError naming the option', (_, options, message) => {
    const build = () => newManager({ config, ...options });
    expect(build).toThrow(ManagerOptionsError);
    expect(build).toThrow(message);
  });

  it('rejects leader election timings that cannot keep one leader, keeping the elector error as the cause', () => {
    let caught: unknown;
    try {
      newManager({
        config,
        leaderElection: { namespace: 'ns', name: 'l', leaseDurationMs: 10_000, renewDeadlineMs: 10_000 },
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ManagerOptionsError);
    expect((caught as ManagerOptionsError).message).toBe(
      'leaderElection: leaseDurationMs (10000) must be greater than renewDeadlineMs (10000)',
    );
    expect((caught as ManagerOptionsError).cause).toBeInstanceOf(LeaderElectionOptionsError);
  });

  it('accepts the defaults, a zero grace period, Infinity bounds and an ephemeral port', () => {
    const manager = newManager({
      config,
      gracefulShutdownTimeoutMs: 0,
      watchStallTimeoutMs: Number.POSITIVE_INFINITY,
      workerStuckTimeoutMs: Number.POSITIVE_INFINITY,
      healthProbe: { port: 0 },
      leaderElection: { namespace: 'ns', name: 'l' },
    });
    expect(manager.isLeader()).toBe(false);
    expect(manager.healthAddress).toBeUndefined();
    expect(manager.readiness()).toEqual({ ok: false, failures: ['the manager has not started'] });
  });
});

describe('ManagerError', () => {
  it('names every informer that did not sync, the timeout and what to check', () => {
    const unsynced = ['dynamic:example.com/v1/widgets', 'typed:/v1/pods'];
    const error = new ManagerError(cacheSyncTimeoutMessage(unsynced, 120_000), unsynced);
    expect(error.message).toBe(
      'caches did not sync within 120000 ms: dynamic:example.com/v1/widgets, typed:/v1/pods ' +
        '(is the resource installed, e.g. its CRD, and may this identity list and watch it?)',
    );
    expect(error.unsynced).toEqual(unsynced);
    expect(error.code).toBe('MANAGER_CACHE_SYNC');
    expect(error).toBeInstanceOf(KubeloopError);
  });
});
