import { describe, expect, inject, it } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';
import { isConflict, isNotFound } from '../../../src/client/rest/status-error.js';
import { reconcileFinalizer } from '../../../src/controller/finalizers.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
const finalizer = 'kubeloop.dev/cleanup';

describe('reconcileFinalizer against the apiserver', () => {
  it('adds the finalizer, holds the deletion until finalize ran, then lets the object go', async () => {
    const namespace = await testNamespace('finalizers');
    const clients = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    const configMaps = clients.coreV1().configMaps(namespace);
    const original = await configMaps.create({ metadata: { name: 'guarded' }, data: { bucket: 'b-1' } });
    const finalized: ConfigMap[] = [];
    const finalize = async (object: ConfigMap) => {
      finalized.push(object);
    };

    const added = await reconcileFinalizer({ client: configMaps, object: original, finalizer, finalize });
    expect(added.action).toBe('added');
    expect((await configMaps.get('guarded')).metadata?.finalizers).toEqual([finalizer]);

    const stale = reconcileFinalizer({ client: configMaps, object: original, finalizer, finalize });
    await expect(stale).rejects.toSatisfy(isConflict);

    const again = await reconcileFinalizer({ client: configMaps, object: added.object, finalizer, finalize });
    expect(again.action).toBe('none');

    await configMaps.delete('guarded');
    const deleting = await configMaps.get('guarded');
    expect(deleting.metadata?.deletionTimestamp).toBeDefined();
    expect(finalized).toEqual([]);

    const removed = await reconcileFinalizer({ client: configMaps, object: deleting, finalizer, finalize });
    expect(removed.action).toBe('removed');
    expect(finalized.map((object) => object.data?.bucket)).toEqual(['b-1']);
    await expect(configMaps.get('guarded')).rejects.toSatisfy(isNotFound);
  });
});
