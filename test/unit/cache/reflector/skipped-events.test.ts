import { describe, expect, it } from 'vitest';
import type { WatchEvent } from '../../../../src/client/meta.js';
import { capturedLogger } from '../informer/helpers.js';
import type { TestObject } from '../objects.js';
import { added, FakeWatch, page, ScriptedListerWatcher, startReflector } from './scripted.js';

const expectedGVK = { group: '', version: 'v1', kind: 'ConfigMap' };

/** Runs a reflector synced at RV 10 that watches `events`, then `added('ok', '20')`; returns its log lines. */
async function logsFor(...events: WatchEvent<TestObject>[]) {
  const { logger, lines } = capturedLogger();
  const watch = new FakeWatch().push(...events, added('ok', '20'));
  const lw = new ScriptedListerWatcher({ lists: [page([], '10')], watches: [watch] });
  const h = startReflector(lw, { logger, expectedGVK });
  await expect.poll(() => h.reflector.lastSyncResourceVersion()).toBe('20');
  await h.stop();
  return { lines, ops: h.store.ops };
}

describe('Reflector watch events it cannot apply (issue 9, defect 7)', () => {
  it('says an event lacks metadata instead of calling it the wrong kind with an empty kind', async () => {
    const noMetadata = { type: 'ADDED', object: { apiVersion: 'v1', kind: 'ConfigMap' } } as WatchEvent<TestObject>;
    const nothing = { type: 'MODIFIED', object: {} } as WatchEvent<TestObject>;
    const { lines, ops } = await logsFor(noMetadata, nothing);
    expect(ops).toEqual(['replace []@10', 'add ns/ok@20']);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ msg: 'skipping a watch event whose object has no metadata', eventType: 'ADDED' });
    expect(lines[0]?.reflector).toBe('configmaps');
    expect(lines[1]).toMatchObject({
      msg: 'skipping a watch event whose object has no metadata',
      eventType: 'MODIFIED',
    });
  });

  it('names the kind it got and the kind it expected for an event of the wrong kind', async () => {
    const secret = { type: 'ADDED', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' } } };
    const { lines } = await logsFor(secret as WatchEvent<TestObject>);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      msg: 'skipping a watch event of the wrong kind',
      kind: 'Secret',
      apiVersion: 'v1',
      expected: 'v1/ConfigMap',
    });
  });
});
