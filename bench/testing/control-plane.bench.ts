// Measures how long a warm (binaries cached) local control plane takes to start until ready, and to stop.
// Run: npm run bench -- testing/control-plane (Node 24 runs this file as is; it uses the built dist/).
import { resolveBinaries, startControlPlane } from '../../dist/testing/index.js';
import { report, summarize } from '../report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const binaries = await resolveBinaries();
const starts: number[] = [];
const stops: number[] = [];
for (let i = 0; i <= runs; i++) {
  const begin = performance.now();
  const plane = await startControlPlane({ binaries });
  const ready = performance.now();
  await plane.stop();
  // The first run warms the page cache and is not counted.
  if (i > 0) {
    starts.push(ready - begin);
    stops.push(performance.now() - ready);
  }
}
report('local control plane, warm', [
  summarize('start until /readyz + default namespace', starts, 'ms'),
  summarize('stop (processes gone, folder removed)', stops, 'ms'),
]);
