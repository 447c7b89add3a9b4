import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/cache/backoff.js';
import { FakeClock } from '../support/fake-clock.js';

describe('Backoff', () => {
  it('doubles from 800 ms and stops growing at 30 s', () => {
    const backoff = new Backoff({ clock: new FakeClock(), random: () => 0 });
    const waits = Array.from({ length: 9 }, () => backoff.next());
    expect(waits).toEqual([800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000, 30_000]);
  });

  it('jitters each wait d into [d, 2d)', () => {
    const high = new Backoff({ clock: new FakeClock(), random: () => 0.999_999 });
    const waits = Array.from({ length: 8 }, () => high.next());
    const bases = [800, 1600, 3200, 6400, 12_800, 25_600, 30_000, 30_000];
    waits.forEach((wait, i) => {
      const base = bases[i] ?? 0;
      expect(wait).toBeGreaterThanOrEqual(base);
      expect(wait).toBeLessThan(2 * base);
    });
    expect(new Backoff({ clock: new FakeClock(), random: () => 0.5 }).next()).toBe(1200);
  });

  it('starts over at 800 ms when more than 2 minutes passed since the previous wait began', async () => {
    const clock = new FakeClock();
    const backoff = new Backoff({ clock, random: () => 0 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([800, 1600, 3200]);
    await clock.advance(120_000);
    expect(backoff.next()).toBe(6400);
    await clock.advance(120_001);
    expect(backoff.next()).toBe(800);
  });

  it('waits on the injected clock and rejects with the signal’s reason on abort', async () => {
    const clock = new FakeClock();
    const backoff = new Backoff({ clock, random: () => 0 });
    let woke = false;
    const waiting = backoff.wait().then(() => {
      woke = true;
    });
    expect(await clock.waitForSleeps(1)).toEqual([800]);
    await clock.advance(799);
    expect(woke).toBe(false);
    await clock.advance(1);
    await waiting;
    expect(woke).toBe(true);
    const abort = new AbortController();
    const aborted = backoff.wait(abort.signal);
    abort.abort(new Error('stop'));
    await expect(aborted).rejects.toThrow('stop');
  });
});
