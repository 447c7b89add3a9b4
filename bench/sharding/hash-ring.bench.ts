// Simulates the hash ring's load balance (100 shards, 1 M keys: max/mean and min/mean) for several virtual-node
// counts, and how many keys move when one shard joins. Run: npm run bench -- sharding/hash-ring
import { HashRing } from '../../dist/controller/index.js';

const shards = Array.from({ length: 100 }, (_, i) => `shard-${i.toString(36)}-${(i * 7919).toString(16)}`);
const keyCount = Number(process.env.BENCH_KEYS ?? 1_000_000);
const keys = Array.from({ length: keyCount }, (_, i) => `example.com/Widget/namespace-${i % 997}/widget-${i}`);

console.log('\n### Hash ring balance: 100 shards, %d keys\n', keyCount);
console.log('| virtual nodes | max/mean | min/mean | build ms | lookups/s | keys moved on join |');
console.log('|---:|---:|---:|---:|---:|---:|');
for (const virtualNodes of [10, 100, 300, 1000, 3000]) {
  const built = performance.now();
  const ring = new HashRing(shards, virtualNodes);
  const buildMs = performance.now() - built;
  const load = new Map<string, number>();
  const began = performance.now();
  const owner: (string | undefined)[] = new Array(keyCount);
  for (let i = 0; i < keyCount; i++) {
    const shard = ring.shardFor(keys[i] as string);
    owner[i] = shard;
    load.set(shard ?? '', (load.get(shard ?? '') ?? 0) + 1);
  }
  const lookupsPerSecond = keyCount / ((performance.now() - began) / 1000);
  const mean = keyCount / shards.length;
  const counts = shards.map((shard) => load.get(shard) ?? 0);
  const grown = new HashRing([...shards, 'shard-new'], virtualNodes);
  let moved = 0;
  for (let i = 0; i < keyCount; i++) if (grown.shardFor(keys[i] as string) !== owner[i]) moved++;
  console.log(
    `| ${virtualNodes} | ${(Math.max(...counts) / mean).toFixed(3)} | ${(Math.min(...counts) / mean).toFixed(3)} | ` +
      `${buildMs.toFixed(1)} | ${Math.round(lookupsPerSecond).toLocaleString('en')} | ` +
      `${moved} (${((moved / keyCount) * 100).toFixed(2)} %, ideal ${(100 / (shards.length + 1)).toFixed(2)} %) |`,
  );
}
