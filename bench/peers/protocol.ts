// Shares what every Node peer of the benchmark does the same way: arguments, memory figures, control calls, output.
import { readFileSync, writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap and resident set, in bytes, after a full GC (Go's peer reports HeapAlloc and VmRSS the same way). */
export interface Memory {
  readonly heap: number;
  readonly rss: number;
}

/** One peer process's figures; the workqueue mode fills `workqueue` only. */
export interface PeerResult {
  readonly peer: string;
  readonly mode: string;
  readonly runtime: string;
  readonly syncMs?: number;
  readonly eventsPerSec?: number;
  /** The floor only: JSON.parse of the burst's bytes already in memory. */
  readonly parseEventsPerSec?: number;
  readonly afterSync?: Memory;
  readonly afterBurst?: Memory;
  /** CPU time (user + system, all threads) the process spent on the burst. */
  readonly burstCpuMs?: number;
  /** The floor only: JSON.parse of the burst's bytes in memory, each object kept in a Map as a cache keeps it. */
  readonly parseKeepEventsPerSec?: number;
  /** A relist after the burst (the server expired the watch): its duration and peak RSS; steady is afterBurst. */
  readonly relist?: { readonly ms: number; readonly peakRss: number };
  readonly objects?: number;
  readonly workqueue?: Record<string, number>;
}

/** The arguments every peer takes: server URL, mode, pods listed, events in the burst. */
export function peerArgs(): { url: string; mode: string; objects: number; events: number } {
  const [url = '', mode = 'full', objects = '10000', events = '20000'] = process.argv.slice(2);
  return { url, mode, objects: Number(objects), events: Number(events) };
}

export function measure(): Memory {
  gc();
  gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heap: heapUsed, rss };
}

/** Asks the replay server to send its burst (or expire the watch). */
export async function control(url: string, action: 'burst' | 'expire'): Promise<void> {
  const response = await fetch(`${url}/control/${action}`, { method: 'POST' });
  await response.arrayBuffer();
}

/** Resolves once `count()` was called `target` times. */
export function countTo(target: number): { count: () => void; reached: Promise<void> } {
  let seen = 0;
  let done: () => void = () => undefined;
  const reached = new Promise<void>((resolve) => {
    done = resolve;
  });
  return {
    count: () => {
      if (++seen === target) done();
    },
    reached,
  };
}

/** CPU time (user + system) this process has used so far, in ms. */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The kernel's RSS high-water mark of this process (VmHWM), in bytes; undefined where /proc is missing. */
function rssHighWaterMark(): number | undefined {
  try {
    const line = /^VmHWM:\s*(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return line ? Number(line[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Expires the watch (the server ends it with a 410 ERROR event, so the informer relists) and measures the relist
 * until `relisted` resolves: its duration and peak RSS. The peak is the kernel's high-water mark, reset first
 * (clear_refs 5, Linux), and at least the largest RSS sampled every 5 ms, which alone is used without /proc.
 * Undefined when the relist did not end within 2 minutes: the peer's other figures are still reported.
 */
export async function relist(url: string, relisted: Promise<void>): Promise<PeerResult['relist']> {
  let reset = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    reset = false;
  }
  let sampled = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, process.memoryUsage.rss());
  }, 5);
  const begin = performance.now();
  await control(url, 'expire');
  let timer: NodeJS.Timeout | undefined;
  const ended = await Promise.race([
    relisted.then(() => true),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), 120_000);
    }),
  ]);
  const ms = performance.now() - begin;
  clearTimeout(timer);
  clearInterval(sampler);
  const mark = reset ? rssHighWaterMark() : undefined;
  return ended ? { ms, peakRss: Math.max(sampled, mark ?? 0) } : undefined;
}

/** Prints the result as the one JSON line the runner reads, and exits (informers keep the process alive). */
export function finish(result: Omit<PeerResult, 'runtime'>): never {
  console.log(JSON.stringify({ ...result, runtime: `Node ${process.version}` }));
  process.exit(0);
}
