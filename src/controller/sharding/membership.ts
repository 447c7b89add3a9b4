/** Gives a shard its membership Lease: a leader-election lock on a Lease named after the shard, labelled with its ring. */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Lease } from '../../client/kubernetes/coordination-v1/types.js';
import type { LeaseClient } from '../leader-election/lease-lock.js';
import { ringLabel } from './labels.js';

/**
 * Wraps a Lease client so the Leases it creates or updates carry `sharding.kubeloop.dev/ring=<ring>` (the sharder
 * finds a ring's shards by it). Reads pass through.
 */
export function ringLeaseClient(client: LeaseClient, ring: string): LeaseClient {
  const labelled = (lease: Lease): Lease => ({
    ...lease,
    metadata: { ...lease.metadata, labels: { ...lease.metadata?.labels, [ringLabel]: ring } },
  });
  return {
    get: (name, options) => client.get(name, options),
    create: (lease, options) => client.create(labelled(lease), options),
    update: (lease, options) => client.update(labelled(lease), options),
  };
}

/**
 * A fresh shard name: the host name cut to a DNS-1123 label prefix, then 8 random hex digits (two managers in one
 * process differ). A restarted replica is a new shard: its old Lease dies and is collected.
 */
export function defaultShardName(): string {
  const host = hostname()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `${host || 'shard'}-${randomUUID().slice(0, 8)}`;
}
