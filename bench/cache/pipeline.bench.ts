// Measures events/s through the whole cache pipeline (watch decode → Reflector → DeltaFIFO → Indexer → handler)
// beside JSON.parse alone on the same bytes, and the heap retained per cached object.
// Run: npm run bench -- cache/pipeline (Node 24 runs this file as is; it uses the built dist/).
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { newSharedIndexInformer } from '../../dist/cache/index.js';
import { openWatch } from '../../dist/client/rest/watch.js';
import { report, summarize } from '../report.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const runs = Number(process.env.BENCH_RUNS ?? 5);
const events = Number(process.env.BENCH_EVENTS ?? 100_000);
const objects = Number(process.env.BENCH_OBJECTS ?? 10_000);

/** A ConfigMap of about 1 KiB of JSON, shaped like what the apiserver sends (managedFields included). */
function configMap(i: number, rv: number): unknown {
  return {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: {
      name: `cm-${i}`,
      namespace: `ns-${i % 20}`,
      uid: `8a6b1c3e-0000-4000-8000-${String(i).padStart(12, '0')}`,
      resourceVersion: String(rv),
      creationTimestamp: '2026-01-01T00:00:00Z',
      labels: { app: `app-${i % 50}`, tier: i % 2 ? 'web' : 'db', 'app.kubernetes.io/managed-by': 'bench' },
      managedFields: [
        {
          manager: 'bench',
          operation: 'Update',
          apiVersion: 'v1',
          time: '2026-01-01T00:00:00Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {}, 'f:config': {} }, 'f:metadata': { 'f:labels': { '.': {} } } },
        },
      ],
    },
    data: { config: `value-${rv}-`.padEnd(480, 'x') },
  };
}

/** `count` watch lines: an ADDED per object, then MODIFIED events round-robin; split into 64 KiB chunks. */
function watchBytes(count: number): Uint8Array[] {
  const encoder = new TextEncoder();
  const lines: string[] = [];
  for (let n = 0; n < count; n++) {
    const i = n % objects;
    lines.push(JSON.stringify({ type: n < objects ? 'ADDED' : 'MODIFIED', object: configMap(i, 1000 + n) }));
  }
  const all = encoder.encode(`${lines.join('\n')}\n`);
  const chunks: Uint8Array[] = [];
  for (let at = 0; at < all.length; at += 65_536) chunks.push(all.subarray(at, at + 65_536));
  return chunks;
}

/** JSON.parse alone: split lines and parse each, as the floor any decoder must pay. */
function parseOnly(chunks: readonly Uint8Array[]): number {
  const decoder = new TextDecoder();
  let parsed = 0;
  let rest = '';
  for (const chunk of chunks) {
    const text = rest + decoder.decode(chunk, { stream: true });
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (JSON.parse(line)) parsed++;
  }
  return parsed;
}

/** An informer over an empty list and a first watch that replays `chunks` through the RESTClient's watch decoder. */
function replayInformer(chunks: readonly Uint8Array[]) {
  let served = false;
  return newSharedIndexInformer(
    {
      list: async () => ({ metadata: { resourceVersion: '1' }, items: [] }),
      watch: async (options) => {
        // Later watches stay open and silent until the end.
        const body = served ? Readable.from(never(options.signal)) : Readable.from(chunks);
        served = true;
        const abort = new AbortController();
        options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
        return openWatch(body, { path: '/bench', abort, idleTimeoutMs: 0 });
      },
    },
    { watchList: 'off', name: 'bench' },
  );
}

async function* never(signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  await new Promise<void>((resolve) => signal?.addEventListener('abort', () => resolve(), { once: true }));
}

/**
 * Runs a replaying informer with `handlers` counting handlers until they were called `expected` times in all;
 * `measure` runs at that moment, with the informer still up. Resolves to the elapsed ms and what `measure` returned.
 */
async function replay<R>(
  chunks: readonly Uint8Array[],
  expected: number,
  handlers: number,
  measure: () => R,
): Promise<{ ms: number; measured: R }> {
  const informer = replayInformer(chunks);
  let seen = 0;
  let done: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  const count = (): void => {
    if (++seen === expected) done();
  };
  for (let h = 0; h < handlers; h++) informer.addEventHandler({ onAdd: count, onUpdate: count });
  const stop = new AbortController();
  const begin = performance.now();
  const running = informer.run(stop.signal);
  await finished;
  const ms = performance.now() - begin;
  const measured = measure();
  stop.abort();
  await running;
  return { ms, measured };
}

/** Heap retained per object: parsed and held in an array, versus synced into an informer's cache. */
async function retained(): Promise<{ parsed: number; cached: number }> {
  const chunks = watchBytes(objects);
  const heap = (): number => {
    gc();
    return process.memoryUsage().heapUsed;
  };
  let base = heap();
  const held: unknown[] = [];
  const decoder = new TextDecoder();
  let rest = '';
  for (const chunk of chunks) {
    const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) held.push((JSON.parse(line) as { object: unknown }).object);
  }
  const parsed = (heap() - base) / held.length;
  held.length = 0;
  base = heap();
  const { measured } = await replay(chunks, objects, 1, () => (heap() - base) / objects);
  return { parsed, cached: measured };
}

const chunks = watchBytes(events);
const parseRates: number[] = [];
const oneHandler: number[] = [];
const tenHandlers: number[] = [];
for (let i = 0; i <= runs; i++) {
  const begin = performance.now();
  const parsed = parseOnly(chunks);
  const parseMs = performance.now() - begin;
  const one = (await replay(chunks, events, 1, () => 0)).ms;
  const ten = (await replay(chunks, events * 10, 10, () => 0)).ms;
  // The first round warms up the JIT and is not counted.
  if (i > 0) {
    parseRates.push(parsed / (parseMs / 1000));
    oneHandler.push(events / (one / 1000));
    tenHandlers.push(events / (ten / 1000));
  }
}
const memory: { parsed: number; cached: number }[] = [];
for (let i = 0; i < Math.max(1, Math.min(runs, 3)); i++) memory.push(await retained());

const kib = (chunks.reduce((sum, c) => sum + c.length, 0) / events / 1024).toFixed(2);
report(`cache pipeline, ${events} watch events of ${kib} KiB over ${objects} ConfigMaps`, [
  summarize('JSON.parse alone (split lines + parse)', parseRates, 'events/s'),
  summarize('watch decode → Reflector → DeltaFIFO → Indexer → 1 handler', oneHandler, 'events/s'),
  summarize('same, 10 handlers (events/s of the watch)', tenHandlers, 'events/s'),
  summarize(
    `heap per object: ${objects} objects parsed and held`,
    memory.map((m) => m.parsed),
    'B',
  ),
  summarize(
    `heap per object: ${objects} objects in an informer cache`,
    memory.map((m) => m.cached),
    'B',
  ),
]);
