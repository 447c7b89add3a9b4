// Issue 9, defect 8 (third part): a list refused with 403 or 404 fails the manager's cache sync at once, with that
// error, instead of after the cache sync timeout.
import { describe, expect, inject, it, onTestFinished } from 'vitest';
import { ListFailedError } from '../../../src/cache/reflector-errors.js';
import { type Manager, newManager } from '../../../src/controller/manager.js';
import { ManagerError } from '../../../src/controller/manager-errors.js';
import { createLogger } from '../../../src/logger.js';
import { restConfigFor, testNamespace } from '../support.js';

const plane = inject('controlPlane');
// Far beyond the test's own timeout: only the fail-fast path can end these starts in time.
const cacheSyncTimeoutMs = 30 * 60_000;

async function managerAs(who: 'admin' | 'user', namespace: string): Promise<Manager> {
  const context = who === 'admin' ? plane.adminContext : plane.userContext;
  const config = await restConfigFor(plane.kubeconfigPath, context);
  return newManager({ config, namespace, cacheSyncTimeoutMs, logger: createLogger({ level: 'silent' }) });
}

/** Starts `manager` and returns what its start rejected with. */
async function startFailure(manager: Manager): Promise<ManagerError> {
  const stop = new AbortController();
  onTestFinished(() => stop.abort());
  const error = await manager.start(stop.signal).then(
    () => new Error('start resolved'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ManagerError);
  return error as ManagerError;
}

describe('a manager whose informer cannot list', () => {
  it('fails its cache sync at once with the 403 when RBAC grants the identity nothing', async () => {
    const namespace = await testNamespace('refused-403');
    const manager = await managerAs('user', namespace);
    manager.factory.forClient((ns) => manager.clientSet.coreV1().configMaps(ns));

    const error = await startFailure(manager);

    expect(error.unsynced).toEqual(['typed:/v1/configmaps']);
    expect(error.message).toContain('informer typed:/v1/configmaps');
    expect(error.message).toContain('(HTTP 403)');
    expect(error.cause).toBeInstanceOf(ListFailedError);
    expect(error.cause).toMatchObject({ statusCode: 403 });
  });

  it('fails its cache sync at once with the 404 of a resource the server does not serve', async () => {
    const namespace = await testNamespace('refused-404');
    const manager = await managerAs('admin', namespace);
    manager.factory.forResource({ group: 'missing.kubeloop.test', version: 'v1', resource: 'widgets' });

    const error = await startFailure(manager);

    expect(error.unsynced).toEqual(['dynamic:missing.kubeloop.test/v1/widgets']);
    expect(error.message).toContain('(HTTP 404)');
    expect(error.cause).toMatchObject({ code: 'LIST_FAILED', statusCode: 404 });
  });
});
