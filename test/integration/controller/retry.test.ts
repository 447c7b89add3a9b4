import { describe, expect, inject, it } from 'vitest';
import { ClientSet } from '../../../src/client/kubernetes/clientset.js';
import { isConflict } from '../../../src/client/rest/status-error.js';
import { retryOnConflict } from '../../../src/controller/retry-on-conflict.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');

describe('retryOnConflict against the apiserver', () => {
  it('re-reads and succeeds when a concurrent update makes its first update conflict', async () => {
    const namespace = await testNamespace('retry');
    const clients = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    const configMaps = clients.coreV1().configMaps(namespace);
    await configMaps.create({ metadata: { name: 'counter' }, data: { count: '0' } });
    const errors: unknown[] = [];
    let attempts = 0;

    const result = await retryOnConflict(async () => {
      attempts++;
      const current = await configMaps.get('counter');
      // Another writer gets in between our read and our write, once.
      if (attempts === 1) await configMaps.update({ ...current, data: { ...current.data, other: 'set' } });
      const count = Number(current.data?.count ?? '0') + 1;
      return await configMaps.update({ ...current, data: { ...current.data, count: String(count) } }).catch((e) => {
        errors.push(e);
        throw e;
      });
    });

    expect(attempts).toBe(2);
    expect(errors).toHaveLength(1);
    expect(isConflict(errors[0])).toBe(true);
    expect(result.data).toEqual({ count: '1', other: 'set' });
  });

  it('lands every one of five concurrent increments within DefaultRetry', async () => {
    const namespace = await testNamespace('retry-race');
    const clients = ClientSet.forConfig(await restConfigFor(plane.kubeconfigPath, plane.adminContext));
    const configMaps = clients.coreV1().configMaps(namespace);
    await configMaps.create({ metadata: { name: 'counter' }, data: { count: '0' } });
    const increment = () =>
      retryOnConflict(async () => {
        const current = await configMaps.get('counter');
        const count = Number(current.data?.count ?? '0') + 1;
        return await configMaps.update({ ...current, data: { count: String(count) } });
      });

    await Promise.all([increment(), increment(), increment(), increment(), increment()]);
    expect((await configMaps.get('counter')).data?.count).toBe('5');
  });
});
