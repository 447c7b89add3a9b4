import { describe, expect, it } from 'vitest';
import { WatchStartTimeoutError } from '../../../../src/cache/reflector-dead-watch.js';
import { WatchIdleTimeoutError } from '../../../../src/client/rest/errors.js';
import { capturedLogger } from '../informer/helpers.js';
import { obj } from '../objects.js';
import { added, bookmark, FakeWatch, modified, page, ScriptedListerWatcher, startReflector } from './scripted.js';

const silence = (): WatchIdleTimeoutError => new WatchIdleTimeoutError('/api/v1/configmaps', 3000);
const deadWarning = 'the watch connection was dead (silent while the server had changes); recovered';

/** A reflector synced at RV 10 with a 3 s dead-watch timeout, watching `watches` in turn. */
function synced(...watches: FakeWatch[]) {
  const { logger, lines } = capturedLogger();
  const lw = new ScriptedListerWatcher({ lists: [page([obj('ns', 'a', '5')], '10')], watches });
  const h = startReflector(lw, { logger, deadWatchTimeoutMs: 3000 });
  return { lw, h, lines };
}

describe('Reflector dead-watch detection (issue 9, defect 1)', () => {
  it('asks the watch to time out after deadWatchTimeoutMs of silence', async () => {
    const { lw, h } = synced(new FakeWatch());
    await lw.waitForCalls(2);
    expect(lw.watches()).toEqual([
      { resourceVersion: '10', timeoutSeconds: 300, allowWatchBookmarks: true, idleTimeoutMs: 3000 },
    ]);
    await h.stop();
  });

  it('re-watches a silent watch at once from the last RV, and warns, naming it, when it had missed a change', async () => {
    const first = new FakeWatch().push(modified('a', '11')).fail(silence());
    const second = new FakeWatch().push(added('b', '12'));
    const { lw, h, lines } = synced(first, second);
    await expect.poll(() => h.reflector.lastSyncResourceVersion()).toBe('12');
    expect(lw.calls.map((c) => c.verb)).toEqual(['list', 'watch', 'watch']);
    expect(lw.watches()[1]?.resourceVersion).toBe('11');
    expect(h.clock.sleeps).toEqual([]);
    expect(h.store.ops).toEqual(['replace [ns/a]@10', 'update ns/a@11', 'add ns/b@12']);
    expect(lines).toEqual([
      expect.objectContaining({ level: 40, msg: deadWarning, reflector: 'configmaps', resourceVersion: '11' }),
    ]);
    await h.stop();
  });

  it('neither warns nor relists when the watch after the silence is quiet too (a healthy quiet watch)', async () => {
    const { lw, h, lines } = synced(new FakeWatch().fail(silence()), new FakeWatch().fail(silence()), new FakeWatch());
    await lw.waitForCalls(4);
    expect(lw.calls.map((c) => c.verb)).toEqual(['list', 'watch', 'watch', 'watch']);
    expect(lw.watches().map((w) => w.resourceVersion)).toEqual(['10', '10', '10']);
    expect(h.store.ops).toEqual(['replace [ns/a]@10']);
    expect(lines).toEqual([]);
    await h.stop();
  });

  it('does not warn when the watch after the silence starts with a bookmark or its first change comes later', async () => {
    const afterBookmark = new FakeWatch().push(bookmark('11'), added('b', '12')).fail(silence());
    const later = new FakeWatch();
    const { lw, h, lines } = synced(new FakeWatch().fail(silence()), afterBookmark, later);
    await lw.waitForCalls(4);
    // The backlog of a new watch arrives at once: a change seconds later is news, not something missed.
    await h.clock.advance(5000);
    later.push(added('c', '13'));
    await expect.poll(() => h.reflector.lastSyncResourceVersion()).toBe('13');
    expect(lines).toEqual([]);
    await h.stop();
  });

  it('gives up a watch request the server does not answer within the timeout, and relists after a backoff', async () => {
    const { logger } = capturedLogger();
    const lw = new ScriptedListerWatcher({ lists: [page([], '10')] });
    const h = startReflector(lw, { logger, deadWatchTimeoutMs: 50 });
    await expect.poll(() => h.errors).toHaveLength(1);
    expect(h.errors[0]).toBeInstanceOf(WatchStartTimeoutError);
    expect(h.errors[0]).toMatchObject({ code: 'WATCH_START_TIMEOUT', reflector: 'configmaps', timeoutMs: 50 });
    await h.clock.waitForSleeps(1);
    await h.clock.fireNext();
    await lw.waitForCalls(3);
    expect(lw.calls.map((c) => c.verb)).toEqual(['list', 'watch', 'list']);
    await h.stop();
  });
});
