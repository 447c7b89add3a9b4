// The hash ring: the same key always maps to the same shard, load spreads evenly, membership changes move few keys.
import { describe, expect, it } from 'vitest';
import { HashRing, hashKey, ShardingOptionsError } from '../../../src/controller/sharding/index.js';

const keys = Array.from({ length: 20_000 }, (_, i) => `example.com/Widget/ns-${i % 37}/widget-${i}`);
const shards = ['shard-a', 'shard-b', 'shard-c', 'shard-d', 'shard-e'];

function owners(ring: HashRing): (string | undefined)[] {
  return keys.map((key) => ring.shardFor(key));
}

describe('HashRing', () => {
  it('maps every key to the same shard whatever order the shards were given in', () => {
    const a = owners(new HashRing(shards, 100));
    const b = owners(new HashRing([...shards].reverse(), 100));
    expect(b).toEqual(a);
  });

  it('hashes strings to stable 53-bit integers', () => {
    expect(hashKey('example.com/Widget/default/a')).toBe(hashKey('example.com/Widget/default/a'));
    expect(hashKey('a')).not.toBe(hashKey('b'));
    for (const key of keys.slice(0, 100)) expect(Number.isSafeInteger(hashKey(key))).toBe(true);
  });

  it('spreads keys within 25 % of the mean over 5 shards at the default virtual-node count', () => {
    const load = new Map<string, number>();
    for (const shard of owners(new HashRing(shards))) load.set(shard as string, (load.get(shard as string) ?? 0) + 1);
    const mean = keys.length / shards.length;
    for (const shard of shards) expect(Math.abs((load.get(shard) ?? 0) - mean) / mean).toBeLessThan(0.25);
  });

  it('moves only keys onto a new shard when one joins, about 1/n of them', () => {
    const before = owners(new HashRing(shards));
    const after = owners(new HashRing([...shards, 'shard-f']));
    const moved = before.filter((shard, i) => shard !== after[i]);
    expect(after.filter((shard, i) => shard !== before[i]).every((shard) => shard === 'shard-f')).toBe(true);
    expect(moved.length / keys.length).toBeGreaterThan(0.1);
    expect(moved.length / keys.length).toBeLessThan(0.25);
  });

  it("moves only the removed shard's keys when one leaves", () => {
    const before = owners(new HashRing(shards));
    const after = owners(new HashRing(shards.filter((s) => s !== 'shard-c')));
    before.forEach((shard, i) => {
      if (shard !== 'shard-c') expect(after[i]).toBe(shard);
      else expect(after[i]).not.toBe('shard-c');
    });
  });

  it('answers undefined with no shard, and lists its shards sorted and unique', () => {
    expect(new HashRing([]).shardFor('x')).toBeUndefined();
    expect(new HashRing(['b', 'a', 'b'], 10).shards).toEqual(['a', 'b']);
  });

  it('rejects a virtual-node count below 1', () => {
    expect(() => new HashRing(['a'], 0)).toThrow(ShardingOptionsError);
  });
});
