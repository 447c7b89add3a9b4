// The floor: fetch + JSON.parse of the same bytes into a Map, with no informer; and JSON.parse of the burst in memory.
// Run by peers.bench.ts: node bench/peers/floor.ts <url> full <objects> <events>
import { control, cpuMs, finish, measure, peerArgs } from './protocol.ts';

interface Item {
  readonly metadata: { readonly namespace?: string; readonly name: string };
}

const { url, events } = peerArgs();
const store = new Map<string, Item>();
const keyOf = (item: Item): string => `${item.metadata.namespace}/${item.metadata.name}`;

const begin = performance.now();
let next = '';
let resourceVersion = '';
do {
  const page = (await (await fetch(`${url}/api/v1/pods?limit=500&continue=${next}`)).json()) as {
    metadata: { continue?: string; resourceVersion: string };
    items: Item[];
  };
  for (const item of page.items) store.set(keyOf(item), item);
  next = page.metadata.continue ?? '';
  resourceVersion = page.metadata.resourceVersion;
} while (next);
const syncMs = performance.now() - begin;
const afterSync = measure();

const response = await fetch(`${url}/api/v1/pods?watch=true&resourceVersion=${resourceVersion}`);
const reader = (response.body as ReadableStream<Uint8Array>).getReader();
const burstBegin = performance.now();
const burstCpu = cpuMs();
await control(url, 'burst');
const received: Uint8Array[] = [];
let seen = 0;
{
  const decoder = new TextDecoder();
  let rest = '';
  while (seen < events) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the watch ended before the burst did');
    received.push(value);
    const lines = (rest + decoder.decode(value, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const item = (JSON.parse(line) as { object: Item }).object;
      store.set(keyOf(item), item);
      seen++;
    }
  }
}
const eventsPerSec = events / ((performance.now() - burstBegin) / 1000);
const burstCpuMs = cpuMs() - burstCpu;
const afterBurst = measure();
await reader.cancel();

/**
 * JSON.parse alone on the bytes just received: what any decoder of this stream must pay, without the network.
 * With `keep`, each object also replaces its predecessor in a Map, as in any cache: the objects then outlive
 * V8's young generation and the GC copies them, which a parse that drops its results never pays.
 */
function parseOnly(keep: Map<string, Item> | undefined): number {
  const decoder = new TextDecoder();
  let rest = '';
  let parsed = 0;
  const start = performance.now();
  for (const chunk of received) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) {
      const item = (JSON.parse(line) as { object: Item }).object;
      keep?.set(keyOf(item), item);
      parsed++;
    }
  }
  return parsed / ((performance.now() - start) / 1000);
}
parseOnly(undefined);
const parseEventsPerSec = Math.max(parseOnly(undefined), parseOnly(undefined));
const parseKeepEventsPerSec = Math.max(parseOnly(store), parseOnly(store));
finish({
  peer: 'floor',
  mode: 'full',
  syncMs,
  eventsPerSec,
  parseEventsPerSec,
  parseKeepEventsPerSec,
  burstCpuMs,
  afterSync,
  afterBurst,
  objects: store.size,
});
