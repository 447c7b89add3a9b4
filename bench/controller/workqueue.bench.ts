// Measures the workqueue's hot paths: add/get/done, deduplicated adds, and 100k delayed adds through one timer.
// Run: npm run bench -- controller/workqueue (Node 24 runs this file as is; it uses the built dist/).
import type { Clock } from '../../dist/client/rest/clock.js';
import { newDelayingQueue, newQueue } from '../../dist/controller/index.js';
import { report, summarize } from '../report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const n = 100_000;
const keys = Array.from({ length: n }, (_, i) => `namespace-${i % 100}/object-${i}`);

/** A clock whose one pending sleep resolves when the bench says so, so only the queue's own work is timed. */
function manualClock(): Clock & { fire(at: number): void } {
  let now = 0;
  let wake: (() => void) | undefined;
  return {
    now: () => now,
    sleep: (_ms, signal) =>
      new Promise<void>((resolve, reject) => {
        wake = resolve;
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    fire(at) {
      now = at;
      wake?.();
    },
  };
}

async function addGetDone(): Promise<number> {
  const queue = newQueue<string>();
  const begin = performance.now();
  for (const key of keys) queue.add(key);
  for (let i = 0; i < n; i++) {
    const result = await queue.get();
    if (!result.shutdown) queue.done(result.item);
  }
  return performance.now() - begin;
}

function dedupAdds(): number {
  const queue = newQueue<string>();
  const begin = performance.now();
  for (let round = 0; round < 10; round++) for (const key of keys) queue.add(key);
  return performance.now() - begin;
}

async function delayedAdds(): Promise<number> {
  const clock = manualClock();
  const queue = newDelayingQueue<string>({ clock });
  const begin = performance.now();
  // Pseudo-random ready times in 1..10,000 ms: the heap works, the one timer moves only for a new minimum.
  for (let i = 0; i < n; i++) queue.addAfter(keys[i] as string, 1 + ((i * 7919) % 10_000));
  clock.fire(10_000);
  while (queue.len() < n) await Promise.resolve();
  return performance.now() - begin;
}

const samples = { addGetDone: [] as number[], dedup: [] as number[], delayed: [] as number[] };
for (let i = 0; i <= runs; i++) {
  const [a, b, c] = [await addGetDone(), dedupAdds(), await delayedAdds()];
  // The first run warms up the JIT and is not counted.
  if (i === 0) continue;
  samples.addGetDone.push(a);
  samples.dedup.push(b);
  samples.delayed.push(c);
}
const perItem = (ms: number[], count: number): number[] => ms.map((total) => (total * 1e6) / count);
report('workqueue', [
  summarize(`add, get and done of ${n} keys (per item)`, perItem(samples.addGetDone, n), 'ns'),
  summarize(`add of ${n} keys already queued (per add)`, perItem(samples.dedup, 10 * n), 'ns'),
  summarize(`addAfter of ${n} keys, then all ready (per item)`, perItem(samples.delayed, n), 'ns'),
]);
