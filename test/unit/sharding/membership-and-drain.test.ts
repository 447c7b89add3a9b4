// Shard states from Lease renew times on a fake clock, and the placement steps of the drain handshake.
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../src/client/kubernetes/coordination-v1/types.js';
import { formatMicroTime } from '../../../src/controller/leader-election/lease-lock.js';
import {
  type CurrentPlacement,
  currentPlacement,
  drainLabel,
  isAvailable,
  orphanTtlMs,
  placeOwned,
  placePrimary,
  shardLabel,
  shardStatus,
} from '../../../src/controller/sharding/index.js';
import { FakeClock } from '../support/fake-clock.js';

function lease(holder: string, renewedAt: number, seconds = 10): Lease {
  return {
    metadata: { name: 'shard-a', namespace: 'default' },
    spec: { holderIdentity: holder, leaseDurationSeconds: seconds, renewTime: formatMicroTime(renewedAt) },
  };
}

describe('shard states', () => {
  it('go ready → expired once a lease duration passed without renewal, and stay available until taken over', async () => {
    const clock = new FakeClock();
    const renewed = lease('shard-a', clock.now());
    expect(shardStatus(renewed, clock.now())).toMatchObject({ state: 'ready', nextChangeAt: clock.now() + 10_000 });
    await clock.advance(9_999);
    expect(shardStatus(renewed, clock.now()).state).toBe('ready');
    await clock.advance(1);
    expect(shardStatus(renewed, clock.now())).toMatchObject({ state: 'expired', nextChangeAt: clock.now() });
    expect(isAvailable('expired')).toBe(true);
    expect(isAvailable('dead')).toBe(false);
  });

  it('are dead once released or taken over, and orphaned a minute after expiry', async () => {
    const clock = new FakeClock();
    const released = lease('', clock.now(), 1);
    expect(shardStatus(released, clock.now()).state).toBe('dead');
    expect(shardStatus(lease('the-sharder', clock.now()), clock.now()).state).toBe('dead');
    await clock.advance(1_000 + orphanTtlMs);
    expect(shardStatus(released, clock.now()).state).toBe('orphaned');
  });

  it('count a Lease without renew time as expiring now', () => {
    const bare: Lease = { metadata: { name: 'shard-a' }, spec: { holderIdentity: 'shard-a' } };
    expect(shardStatus(bare, 5).state).toBe('expired');
  });
});

const live = (shard: string): boolean => shard === 'shard-a' || shard === 'shard-b';
const at = (shard: string | undefined, draining = false): CurrentPlacement => ({ shard, draining });

describe('placing a primary object', () => {
  it('assigns an unassigned object to its ring shard', () => {
    expect(placePrimary(at(undefined), 'shard-a', live)).toEqual({
      action: 'assign',
      shard: 'shard-a',
      from: undefined,
    });
  });

  it('keeps an object on its ring shard, and keeps it when no shard is live', () => {
    expect(placePrimary(at('shard-a'), 'shard-a', live)).toEqual({ action: 'keep' });
    expect(placePrimary(at('shard-a'), undefined, live)).toEqual({ action: 'keep' });
  });

  it('drains an object from a live shard instead of relabelling it, then waits for the shard to let go', () => {
    expect(placePrimary(at('shard-a'), 'shard-b', live)).toEqual({ action: 'drain', from: 'shard-a' });
    expect(placePrimary(at('shard-a', true), 'shard-b', live)).toEqual({ action: 'keep' });
    // The shard removed both labels: the object is unassigned and goes to its ring shard.
    expect(placePrimary(at(undefined), 'shard-b', live)).toEqual({
      action: 'assign',
      shard: 'shard-b',
      from: undefined,
    });
  });

  it('moves an object off a dead shard at once, even mid-drain', () => {
    expect(placePrimary(at('shard-z'), 'shard-b', live)).toEqual({
      action: 'assign',
      shard: 'shard-b',
      from: 'shard-z',
    });
    expect(placePrimary(at('shard-z', true), 'shard-b', live)).toMatchObject({ action: 'assign', shard: 'shard-b' });
  });
});

describe('placing an owned object', () => {
  it("follows its owner's shard, and waits while the owner is unassigned or draining", () => {
    expect(placeOwned(at(undefined), at('shard-a'))).toEqual({ action: 'assign', shard: 'shard-a', from: undefined });
    expect(placeOwned(at('shard-a'), at('shard-b'))).toEqual({ action: 'assign', shard: 'shard-b', from: 'shard-a' });
    expect(placeOwned(at('shard-a'), at('shard-a'))).toEqual({ action: 'keep' });
    expect(placeOwned(at('shard-a'), at(undefined))).toEqual({ action: 'keep' });
    expect(placeOwned(at('shard-a'), at('shard-a', true))).toEqual({ action: 'keep' });
    expect(placeOwned(at('shard-a'), undefined)).toEqual({ action: 'keep' });
  });

  it('reads placement from the ring labels', () => {
    const meta = { labels: { [shardLabel('r')]: 'shard-a', [drainLabel('r')]: 'true' } };
    expect(currentPlacement(meta, 'r')).toEqual({ shard: 'shard-a', draining: true });
    expect(currentPlacement({}, 'r')).toEqual({ shard: undefined, draining: false });
  });
});
