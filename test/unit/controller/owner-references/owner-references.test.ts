import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../../src/client/meta.js';
import {
  AlreadyOwnedError,
  getControllerOf,
  InvalidOwnerError,
  isControlledBy,
  newControllerRef,
  setControllerReference,
  setOwnerReference,
} from '../../../../src/controller/owner-references.js';

const deploymentKind = { group: 'apps', version: 'v1', kind: 'Deployment' };
const configMapKind = { group: '', version: 'v1', kind: 'ConfigMap' };

function object(name: string, uid: string, extra: Partial<NonNullable<KubeObject['metadata']>> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'ns', uid, ...extra } };
}

/** Freezes an object deeply, so a mutation by the code under test throws. */
function frozen<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const inner of Object.values(value)) frozen(inner);
    Object.freeze(value);
  }
  return value;
}

describe('newControllerRef', () => {
  it('builds a controller reference that blocks owner deletion, with group/version as apiVersion', () => {
    expect(newControllerRef(object('web', 'u1'), deploymentKind)).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'web',
      uid: 'u1',
      controller: true,
      blockOwnerDeletion: true,
    });
  });

  it('uses the bare version for the core group', () => {
    expect(newControllerRef(object('a', 'u1'), configMapKind).apiVersion).toBe('v1');
  });

  it('refuses an owner without a uid: it was never read from the server', () => {
    expect(() => newControllerRef({ metadata: { name: 'a' } }, configMapKind)).toThrow(InvalidOwnerError);
  });
});

describe('getControllerOf and isControlledBy', () => {
  const owner = object('owner', 'u-owner');
  const plainRef = { apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid: 'u-other' };
  const controlled = object('child', 'u-child', {
    ownerReferences: [plainRef, newControllerRef(owner, configMapKind)],
  });

  it('finds the one reference marked controller, skipping plain owners', () => {
    expect(getControllerOf(controlled)?.uid).toBe('u-owner');
    expect(getControllerOf(object('lonely', 'u', { ownerReferences: [plainRef] }))).toBeUndefined();
  });

  it('compares the controller by uid, so a recreated owner of the same name does not control it', () => {
    expect(isControlledBy(controlled, owner)).toBe(true);
    expect(isControlledBy(controlled, object('owner', 'u-recreated'))).toBe(false);
    expect(isControlledBy(controlled, object('other', 'u-other'))).toBe(false);
  });
});

describe('setControllerReference', () => {
  it('returns a new object with the controller reference appended, leaving the input untouched', () => {
    const owner = frozen(object('owner', 'u-owner'));
    const child = frozen(
      object('child', 'u-child', { ownerReferences: [{ apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'u-s' }] }),
    );
    const result = setControllerReference(owner, child, configMapKind);
    expect(result).not.toBe(child);
    expect(result.metadata?.ownerReferences).toEqual([
      { apiVersion: 'v1', kind: 'Secret', name: 's', uid: 'u-s' },
      newControllerRef(owner, configMapKind),
    ]);
    expect(child.metadata?.ownerReferences).toHaveLength(1);
    expect(isControlledBy(result, owner)).toBe(true);
  });

  it('replaces the reference to a recreated owner of the same kind and name instead of adding a second', () => {
    const child = object('child', 'u-child', {
      ownerReferences: [newControllerRef(object('owner', 'u-old'), configMapKind)],
    });
    const result = setControllerReference(object('owner', 'u-new'), child, configMapKind);
    expect(result.metadata?.ownerReferences?.map((ref) => ref.uid)).toEqual(['u-new']);
  });

  it('throws AlreadyOwnedError naming the current controller when another object controls it', () => {
    const first = object('first', 'u-first');
    const child = setControllerReference(first, object('child', 'u-child'), configMapKind);
    let thrown: unknown;
    try {
      setControllerReference(object('second', 'u-second'), child, configMapKind);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AlreadyOwnedError);
    expect((thrown as AlreadyOwnedError).code).toBe('ALREADY_OWNED');
    expect((thrown as AlreadyOwnedError).owner.uid).toBe('u-first');
  });

  it('refuses owners in another namespace, and namespaced owners of cluster-scoped objects', () => {
    const owner = object('owner', 'u-owner');
    const elsewhere = object('child', 'u-child', { namespace: 'other' });
    expect(() => setControllerReference(owner, elsewhere, configMapKind)).toThrow(/cross-namespace/);
    const clusterScoped: KubeObject = { kind: 'Namespace', metadata: { name: 'n', uid: 'u-n' } };
    expect(() => setControllerReference(owner, clusterScoped, configMapKind)).toThrow(InvalidOwnerError);
  });

  it('lets a cluster-scoped owner control a namespaced object', () => {
    const clusterOwner: KubeObject = { metadata: { name: 'node-1', uid: 'u-node' } };
    const result = setControllerReference(clusterOwner, object('child', 'u-child'), {
      group: '',
      version: 'v1',
      kind: 'Node',
    });
    expect(getControllerOf(result)?.kind).toBe('Node');
  });
});

describe('setOwnerReference', () => {
  it('adds a plain reference (no controller, no blockOwnerDeletion) and upserts by group, kind and name', () => {
    const owner = frozen(object('owner', 'u-owner'));
    const once = setOwnerReference(owner, frozen(object('child', 'u-child')), deploymentKind);
    expect(once.metadata?.ownerReferences).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'owner', uid: 'u-owner' },
    ]);
    const twice = setOwnerReference(object('owner', 'u-owner2'), once, { ...deploymentKind, version: 'v2' });
    expect(twice.metadata?.ownerReferences).toEqual([
      { apiVersion: 'apps/v2', kind: 'Deployment', name: 'owner', uid: 'u-owner2' },
    ]);
    const other = setOwnerReference(object('owner', 'u-x'), twice, configMapKind);
    expect(other.metadata?.ownerReferences).toHaveLength(2);
    expect(getControllerOf(other)).toBeUndefined();
  });
});
