// Measures the workqueue's hot paths: add/get/done (awaiting get, or tryGet first as workers do, also through the
// rate-limiting queue), deduplicated adds, and 100k delayed adds through one timer.
// Run: npm run bench -- controller/workqueue (Node 24 runs this file as is; it uses the built dist/).
import type { Clock } from '../../dist/client/rest/clock.js';
import {
  newDelayingQueue,
  newItemExponentialFailureRateLimiter,
  newQueue,
  newRateLimitingQueue,
  type Queue,
} from '../../dist/controller/index.js';
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

/** Adds every key, then takes and finishes each: `await get()` per item, or the workers' `tryGet()` first. */
async function addGetDone(queue: Queue<string>, take: 'get' | 'tryGet'): Promise<number> {
  const begin = performance.now();
  for (const key of keys) queue.add(key);
  for (let i = 0; i < n; i++) {
    const result = take === 'get' ? await queue.get() : (queue.tryGet() ?? (await queue.get()));
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

const rateLimiter = newItemExponentialFailureRateLimiter<string>({ baseDelayMs: 5, maxDelayMs: 1_000_000 });
const measures = {
  get: () => addGetDone(newQueue<string>(), 'get'),
  tryGet: () => addGetDone(newQueue<string>(), 'tryGet'),
  rateLimiting: () => addGetDone(newRateLimitingQueue<string>({ rateLimiter }), 'tryGet'),
  dedup: async () => dedupAdds(),
  delayed: delayedAdds,
};
const samples = Object.fromEntries(Object.keys(measures).map((name) => [name, [] as number[]]));
for (let i = 0; i <= runs; i++) {
  for (const [name, measure] of Object.entries(measures)) {
    const ms = await measure();
    // The first run warms up the JIT and is not counted.
    if (i > 0) samples[name]?.push(ms);
  }
}
const perItem = (name: string, count: number): number[] => (samples[name] ?? []).map((ms) => (ms * 1e6) / count);
report('workqueue', [
  summarize(`add, get and done of ${n} keys (per item)`, perItem('get', n), 'ns'),
  summarize(`add, tryGet and done of ${n} keys, as a worker takes them (per item)`, perItem('tryGet', n), 'ns'),
  summarize(`the same through a rate-limiting queue (per item)`, perItem('rateLimiting', n), 'ns'),
  summarize(`add of ${n} keys already queued (per add)`, perItem('dedup', 10 * n), 'ns'),
  summarize(`addAfter of ${n} keys, then all ready (per item)`, perItem('delayed', n), 'ns'),
]);
