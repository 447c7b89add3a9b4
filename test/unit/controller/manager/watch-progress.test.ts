import { describe, expect, it, vi } from 'vitest';
import { obj } from '../../cache/objects.js';
import {
  bookmark,
  FakeWatch,
  modified,
  page,
  ScriptedListerWatcher,
  startReflector,
} from '../../cache/reflector/scripted.js';

const patience = { timeout: 10_000, interval: 5 };

describe('Reflector watch progress (what /healthz reads)', () => {
  it('is undefined before the first list, then moves with the list, each event and each bookmark', async () => {
    const watch = new FakeWatch();
    const lw = new ScriptedListerWatcher({ lists: [page([obj('ns', 'a', '5')], '10')], watches: [watch] });
    const h = startReflector(lw);
    const listedAt = h.clock.now();
    expect(h.reflector.lastProgressAt()).toBeUndefined();
    await lw.waitForCalls(2);
    expect(h.reflector.lastProgressAt()).toBe(listedAt);

    await h.clock.advance(60_000);
    watch.push(bookmark('11'));
    await vi.waitFor(() => expect(h.reflector.lastSyncResourceVersion()).toBe('11'), patience);
    expect(h.reflector.lastProgressAt()).toBe(listedAt + 60_000);

    await h.clock.advance(30_000);
    watch.push(modified('a', '12'));
    await vi.waitFor(() => expect(h.reflector.lastSyncResourceVersion()).toBe('12'), patience);
    expect(h.reflector.lastProgressAt()).toBe(listedAt + 90_000);

    await h.clock.advance(120_000);
    expect(h.reflector.lastProgressAt()).toBe(listedAt + 90_000);
    await h.stop();
  });
});
