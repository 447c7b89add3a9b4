// Measures the in-process fake API server: start time, and CRUD, list and watch throughput through the real client.
// Run: npm run bench -- testing/fake-apiserver (Node 24 runs this file as is; it uses the built dist/).
import { ClientSet } from '../../dist/client/kubernetes/clientset.js';
import { createFakeApiServer } from '../../dist/testing/index.js';
import { report, summarize } from '../report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const objects = Number(process.env.BENCH_OBJECTS ?? 2000);

/** Operations per second of `count` sequential calls of `op`. */
async function rate(count: number, op: (i: number) => Promise<unknown>): Promise<number> {
  const begin = performance.now();
  for (let i = 0; i < count; i++) await op(i);
  return count / ((performance.now() - begin) / 1000);
}

const starts: number[] = [];
const creates: number[] = [];
const gets: number[] = [];
const updates: number[] = [];
const patches: number[] = [];
const lists: number[] = [];
const watched: number[] = [];
const deletes: number[] = [];
for (let run = 0; run <= runs; run++) {
  const begin = performance.now();
  const server = createFakeApiServer();
  const started = performance.now() - begin;
  // The client-side rate limiter is off: this measures the server, not the 50 QPS default budget.
  const configMaps = ClientSet.forConfig({ ...server.config, qps: -1 })
    .coreV1()
    .configMaps('default');
  const watch = await configMaps.watch({ resourceVersion: server.resourceVersion });
  let events = 0;
  const drained = (async () => {
    for await (const _ of watch) if (++events === objects) return;
  })();
  const watchBegin = performance.now();
  const created = await rate(objects, (i) =>
    configMaps.create({ metadata: { name: `cm-${i}` }, data: { i: String(i) } }),
  );
  await drained;
  const watchRate = objects / ((performance.now() - watchBegin) / 1000);
  watch.close();
  const got = await rate(objects, (i) => configMaps.get(`cm-${i}`));
  const updated = await rate(objects, async (i) => {
    await configMaps.update({ metadata: { name: `cm-${i}` }, data: { i: String(i), updated: 'yes' } });
  });
  const patched = await rate(objects, (i) => configMaps.patch(`cm-${i}`, 'merge', { data: { patched: 'yes' } }));
  const listed = await rate(10, () => configMaps.list());
  const deleted = await rate(objects, (i) => configMaps.delete(`cm-${i}`));
  // The first run warms the JIT and is not counted.
  if (run === 0) continue;
  starts.push(started);
  creates.push(created);
  gets.push(got);
  updates.push(updated);
  patches.push(patched);
  lists.push(listed);
  watched.push(watchRate);
  deletes.push(deleted);
}
report(`fake API server (in-process dispatcher, ${objects} ConfigMaps, sequential requests through ClientSet)`, [
  summarize('start (createFakeApiServer)', starts, 'ms'),
  summarize('create', creates, 'ops/s'),
  summarize('get', gets, 'ops/s'),
  summarize('update', updates, 'ops/s'),
  summarize('merge patch', patches, 'ops/s'),
  summarize(`list of ${objects}`, lists, 'lists/s'),
  summarize('watch events delivered while creating', watched, 'events/s'),
  summarize('delete', deletes, 'ops/s'),
]);
