// Shares what every Node peer of the benchmark does the same way: arguments, memory figures, control calls, output.
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

/** Prints the result as the one JSON line the runner reads, and exits (informers keep the process alive). */
export function finish(result: Omit<PeerResult, 'runtime'>): never {
  console.log(JSON.stringify({ ...result, runtime: `Node ${process.version}` }));
  process.exit(0);
}
