import { describe, expect, it } from 'vitest';
import { listWatchFrom } from '../../../../src/cache/listwatch.js';
import { FakeWatch, page, ScriptedListerWatcher } from './scripted.js';

describe('listWatchFrom', () => {
  it('adds the selectors to every list and watch, keeping the caller’s options', async () => {
    const inner = new ScriptedListerWatcher({ lists: [page([], '1')], watches: [new FakeWatch()] });
    const lw = listWatchFrom(inner, { labelSelector: 'app=web', fieldSelector: 'metadata.name=x' });
    await lw.list({ limit: 10, resourceVersion: '0' });
    await lw.watch({ resourceVersion: '1', allowWatchBookmarks: true });
    expect(inner.calls).toEqual([
      {
        verb: 'list',
        options: { limit: 10, resourceVersion: '0', labelSelector: 'app=web', fieldSelector: 'metadata.name=x' },
      },
      {
        verb: 'watch',
        options: {
          resourceVersion: '1',
          allowWatchBookmarks: true,
          labelSelector: 'app=web',
          fieldSelector: 'metadata.name=x',
        },
      },
    ]);
  });

  it('adds no selector keys when none were given', async () => {
    const inner = new ScriptedListerWatcher({ lists: [page([], '1')] });
    await listWatchFrom(inner).list({ limit: 5 });
    expect(inner.lists()).toEqual([{ limit: 5 }]);
  });
});
