// The sharder's cache transform: it keeps what placing reads and drops the rest.
import { describe, expect, it } from 'vitest';
import type { PartialObjectMetadata } from '../../../src/cache/metadata-listwatch.js';
import type { KubeObject } from '../../../src/client/meta.js';
import { currentPlacement, drainLabel, ringKey, shardLabel } from '../../../src/controller/sharding/index.js';
import { controllerOf } from '../../../src/controller/sharding/placement.js';
import { placementMetadata } from '../../../src/controller/sharding/placement-metadata.js';

const controller = { apiVersion: 'example.com/v1', kind: 'Widget', name: 'w', uid: 'uid-w', controller: true };

function decoded(): PartialObjectMetadata {
  return {
    apiVersion: 'meta.k8s.io/v1',
    kind: 'PartialObjectMetadata',
    metadata: {
      name: 'cm',
      namespace: 'ns',
      uid: 'uid-cm',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2026-11-29T13:00:00Z',
      deletionTimestamp: '2026-11-29T13:30:00Z',
      labels: { app: 'web', [shardLabel('blue')]: 'shard-a', [drainLabel('blue')]: 'true', [shardLabel('red')]: 'x' },
      annotations: { note: 'a'.repeat(1000) },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid: 'uid-o', blockOwnerDeletion: true },
        { ...controller, blockOwnerDeletion: true },
      ],
      finalizers: ['example.com/cleanup'],
      managedFields: [{ manager: 'kubectl' }],
    },
  };
}

describe('the sharder cache transform', () => {
  it("keeps identity, the resourceVersion, the ring's labels and the controller reference, and nothing else", () => {
    expect(placementMetadata('blue')(decoded())).toEqual({
      apiVersion: 'meta.k8s.io/v1',
      kind: 'PartialObjectMetadata',
      metadata: {
        name: 'cm',
        namespace: 'ns',
        uid: 'uid-cm',
        resourceVersion: '42',
        labels: { [shardLabel('blue')]: 'shard-a', [drainLabel('blue')]: 'true' },
        ownerReferences: [controller],
      },
    });
  });

  it('leaves out labels and ownerReferences an object has none of for the ring, rather than setting them empty', () => {
    const bare = decoded();
    const meta = { ...bare.metadata, labels: { app: 'web' }, ownerReferences: [] };
    const lean = placementMetadata('blue')({ ...bare, metadata: meta });
    expect(Object.keys(lean.metadata)).toEqual(['name', 'namespace', 'uid', 'resourceVersion']);
  });

  it('gives placement the same answers as the full object', () => {
    const full = decoded();
    const lean = placementMetadata('blue')(decoded());
    const resource = { group: '', kind: 'ConfigMap' };
    expect(currentPlacement(lean.metadata, 'blue')).toEqual(currentPlacement(full.metadata, 'blue'));
    expect(ringKey(resource, lean)).toBe(ringKey(resource, full));
    expect(controllerOf(lean)).toEqual(controller);
  });

  it('shares no object with the decoded one, and reduces a full object a server sent instead of metadata', () => {
    const input = decoded();
    const lean = placementMetadata('blue')(input);
    expect(lean.metadata).not.toBe(input.metadata);
    expect(lean.metadata.labels).not.toBe(input.metadata.labels);
    expect(lean.metadata.ownerReferences?.[0]).not.toBe(input.metadata.ownerReferences?.[1]);
    const full: KubeObject & { data: object } = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: input.metadata,
      data: {},
    };
    expect(Object.keys(placementMetadata('blue')(full as unknown as PartialObjectMetadata))).toEqual([
      'apiVersion',
      'kind',
      'metadata',
    ]);
  });

  it('shares one frozen labels object between the objects of one shard and drain state, and not across them', () => {
    const transform = placementMetadata('blue');
    const a = transform(decoded());
    const b = transform(decoded());
    expect(a.metadata.labels).toBe(b.metadata.labels);
    expect(Object.isFrozen(a.metadata.labels)).toBe(true);
    const other = decoded();
    const moved = transform({ ...other, metadata: { ...other.metadata, labels: { [shardLabel('blue')]: 'shard-b' } } });
    expect(moved.metadata.labels).toEqual({ [shardLabel('blue')]: 'shard-b' });
    expect(a.metadata.labels).toEqual({ [shardLabel('blue')]: 'shard-a', [drainLabel('blue')]: 'true' });
  });
});
