// Sharding options: impossible ones are refused up front, and shard Leases always carry their ring's label.
import { describe, expect, it } from 'vitest';
import type { Lease } from '../../../src/client/kubernetes/coordination-v1/types.js';
import type { RestConfig } from '../../../src/client/rest/config.js';
import { newManager } from '../../../src/controller/manager.js';
import { ManagerOptionsError } from '../../../src/controller/manager-errors.js';
import { ownedSelector, ringLabel } from '../../../src/controller/sharding/index.js';
import { defaultShardName, ringLeaseClient } from '../../../src/controller/sharding/membership.js';
import { createLogger } from '../../../src/logger.js';

const config: RestConfig = { host: 'https://127.0.0.1:6443' } as RestConfig;
const resources = [{ group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' }];
const logger = createLogger({ level: 'silent' });

describe('sharding options', () => {
  it('are refused together with leader election: every shard runs its controllers', () => {
    const sharding = { ring: 'widgets', leaseNamespace: 'default', resources };
    expect(() => newManager({ config, logger, sharding, leaderElection: { namespace: 'default', name: 'x' } })).toThrow(
      ManagerOptionsError,
    );
  });

  it.each([
    ['a ring that is no DNS-1123 label', { ring: 'Widgets_Ring', leaseNamespace: 'default', resources }],
    ['no resources', { ring: 'widgets', leaseNamespace: 'default', resources: [] }],
    [
      'a resource without kind',
      { ring: 'widgets', leaseNamespace: 'default', resources: [{ ...resources[0], kind: '' }] },
    ],
    ['a shard name with upper case', { ring: 'widgets', leaseNamespace: 'default', resources, shard: 'Shard-A' }],
    ['no lease namespace', { ring: 'widgets', leaseNamespace: '', resources }],
  ])('refuse %s with a ManagerOptionsError', (_, sharding) => {
    expect(() => newManager({ config, logger, sharding: sharding as never })).toThrow(ManagerOptionsError);
  });

  it("give the manager a shard name valid as a Lease name and label value, and select only that shard's objects", () => {
    const manager = newManager({ config, logger, sharding: { ring: 'widgets', leaseNamespace: 'default', resources } });
    expect(manager.shard).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(defaultShardName()).not.toBe(defaultShardName());
    expect(ownedSelector('widgets', 'shard-a')).toBe(
      'shard.sharding.kubeloop.dev/widgets=shard-a,!drain.sharding.kubeloop.dev/widgets',
    );
  });
});

describe('ringLeaseClient', () => {
  it('labels the Leases it creates and updates with the ring, keeping their other labels', async () => {
    const written: Lease[] = [];
    const record = async (lease: Lease): Promise<Lease> => {
      written.push(lease);
      return lease;
    };
    const client = ringLeaseClient(
      { get: async () => ({ metadata: { name: 'x' } }), create: record, update: record },
      'widgets',
    );
    await client.create({ metadata: { name: 'shard-a' } }, {});
    await client.update({ metadata: { name: 'shard-a', labels: { team: 'x' } } }, {});
    expect(written.map((l) => l.metadata?.labels)).toEqual([
      { [ringLabel]: 'widgets' },
      { team: 'x', [ringLabel]: 'widgets' },
    ]);
  });
});
