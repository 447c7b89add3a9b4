import { describe, expect, inject, it } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { isNotFound } from '../../../src/client/rest/status-error.js';
import {
  AlreadyOwnedError,
  getControllerOf,
  isControlledBy,
  setControllerReference,
} from '../../../src/controller/owner-references.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
const configMapKind = { group: '', version: 'v1', kind: 'ConfigMap' };

// No kube-controller-manager runs here, so no garbage collector: these tests assert only what the apiserver does.
describe('owner references against the apiserver', () => {
  it('stores a controller reference set by setControllerReference and refuses a second controller', async () => {
    const namespace = await testNamespace('owners');
    const clients = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    const configMaps = clients.coreV1().configMaps(namespace);
    const owner = await configMaps.create({ metadata: { name: 'owner' } });
    const rival = await configMaps.create({ metadata: { name: 'rival' } });
    const child = await configMaps.create({ metadata: { name: 'child' } });

    const saved = await configMaps.update(setControllerReference(owner, child, configMapKind));
    expect(saved.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        name: 'owner',
        uid: owner.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    expect(isControlledBy(saved, owner)).toBe(true);
    expect(() => setControllerReference(rival, saved, configMapKind)).toThrow(AlreadyOwnedError);
  });

  it('deleting the owner in the foreground leaves it pending with the foregroundDeletion finalizer', async () => {
    const namespace = await testNamespace('owners-fg');
    const clients = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    const configMaps = clients.coreV1().configMaps(namespace);
    const owner = await configMaps.create({ metadata: { name: 'owner' } });
    const child = await configMaps.update(
      setControllerReference(owner, await configMaps.create({ metadata: { name: 'child' } }), configMapKind),
    );

    await configMaps.delete('owner', { propagationPolicy: 'Foreground' });
    const pending = await configMaps.get('owner');
    expect(pending.metadata?.deletionTimestamp).toBeDefined();
    expect(pending.metadata?.finalizers).toContain('foregroundDeletion');
    // The garbage collector would delete the child and then the owner; the apiserver alone leaves both.
    expect(getControllerOf(await configMaps.get('child'))?.uid).toBe(owner.metadata?.uid);
    expect(child.metadata?.ownerReferences).toHaveLength(1);

    await configMaps.patch('owner', 'merge', { metadata: { finalizers: null } });
    await expect(configMaps.get('owner')).rejects.toSatisfy(isNotFound);
  });

  it('deleting the owner in the background removes it at once and leaves the child with a dangling reference', async () => {
    const namespace = await testNamespace('owners-bg');
    const clients = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    const configMaps = clients.coreV1().configMaps(namespace);
    const owner = await configMaps.create({ metadata: { name: 'owner' } });
    await configMaps.update(
      setControllerReference(owner, await configMaps.create({ metadata: { name: 'child' } }), configMapKind),
    );

    await configMaps.delete('owner', { propagationPolicy: 'Background' });
    await expect(configMaps.get('owner')).rejects.toSatisfy(isNotFound);
    const orphan = await configMaps.get('child');
    expect(orphan.metadata?.deletionTimestamp).toBeUndefined();
    expect(getControllerOf(orphan)?.uid).toBe(owner.metadata?.uid);
  });
});
