// Turns the peer runs into Markdown: each process's medians, each target's same-run ratio, the workqueue beside Go's.
import type { PeerResult } from './protocol.ts';

/** Each peer's results by repeat (undefined where that run failed), keyed by its label. */
export type Runs = Map<string, (PeerResult | undefined)[]>;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const fixed = (value: number): string =>
  Number.isNaN(value) ? '–' : value >= 100 ? value.toFixed(0) : value.toPrecision(3);

function figure(runs: Runs, label: string, pick: (r: PeerResult) => number | undefined): number[] {
  return (runs.get(label) ?? []).flatMap((r) => {
    const value = r && pick(r);
    return value === undefined ? [] : [value];
  });
}

/** Per repeat, kubeloop's figure over the peer's, both from that repeat; failed runs are skipped. */
function ratios(
  runs: Runs,
  ours: string,
  theirs: string,
  pick: (r: PeerResult) => number | undefined,
  theirPick = pick,
): number[] {
  const a = runs.get(ours) ?? [];
  const b = runs.get(theirs) ?? [];
  const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    const x = a[i] && pick(a[i] as PeerResult);
    const y = b[i] && theirPick(b[i] as PeerResult);
    if (x !== undefined && y !== undefined && y !== 0) out.push(x / y);
  }
  return out;
}

/** One row per process: medians over the repeats. */
export function printPeers(runs: Runs, events: number): void {
  console.log(
    '| process | sync | watch events/s | CPU per event | heap after sync | RSS after sync | heap after burst | ' +
      'RSS after burst |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const label of runs.keys()) {
    const m = (pick: (r: PeerResult) => number | undefined): number => median(figure(runs, label, pick));
    const floor =
      label === 'floor'
        ? ` (JSON.parse in memory: ${fixed(m((r) => r.parseEventsPerSec))}; ` +
          `kept in a Map: ${fixed(m((r) => r.parseKeepEventsPerSec))})`
        : '';
    const cpu = m((r) => (r.burstCpuMs === undefined ? undefined : (r.burstCpuMs * 1000) / events));
    console.log(
      `| ${label} | ${fixed(m((r) => r.syncMs))} ms | ${fixed(m((r) => r.eventsPerSec))}${floor} | ${fixed(cpu)} µs | ` +
        `${mib(m((r) => r.afterSync?.heap))} | ${mib(m((r) => r.afterSync?.rss))} | ` +
        `${mib(m((r) => r.afterBurst?.heap))} | ${mib(m((r) => r.afterBurst?.rss))} |`,
    );
  }
}

/**
 * The relist after the burst (the server expired the watch with a 410): duration, RSS before (after the burst,
 * the steady state) and at its peak, and peak ÷ steady per repeat, with the goal on kubeloop's processes.
 */
export function printRelist(runs: Runs): void {
  const labels = [...runs.keys()].filter((label) => figure(runs, label, (r) => r.relist?.peakRss).length > 0);
  if (labels.length === 0) return;
  console.log(
    '\n| relist after a 410 | relist time | RSS steady | RSS peak | peak ÷ steady: median (min–max) | goal | met |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const label of labels) {
    const m = (pick: (r: PeerResult) => number | undefined): number => median(figure(runs, label, pick));
    const ratios = figure(runs, label, (r) =>
      r.relist && r.afterBurst ? r.relist.peakRss / r.afterBurst.rss : undefined,
    );
    const ratio = median(ratios);
    const ours = label.startsWith('kubeloop');
    console.log(
      `| ${label} | ${fixed(m((r) => r.relist?.ms))} ms | ${mib(m((r) => r.afterBurst?.rss))} | ` +
        `${mib(m((r) => r.relist?.peakRss))} | ${fixed(ratio)} (${fixed(Math.min(...ratios))}–${fixed(Math.max(...ratios))}) | ` +
        `${ours ? '≤ 1.3' : ''} | ${ours ? (ratio <= 1.3 ? 'yes' : 'no') : ''} |`,
    );
  }
}

/** A ratio to report: kubeloop's `ours` process over the peer's `theirs`, with its goal when it has one. */
interface Target {
  readonly name: string;
  readonly ours: string;
  readonly theirs: string;
  readonly pick: (r: PeerResult) => number | undefined;
  /** The peer's figure when it differs from ours (the floor's in-memory parse rate). */
  readonly theirPick?: (r: PeerResult) => number | undefined;
  /** Show figures as MiB. */
  readonly bytes?: boolean;
  /** The goal on the ratio: at least `min`, or at most `max`. */
  readonly min?: number;
  readonly max?: number;
}

const rate = (r: PeerResult): number | undefined => r.eventsPerSec;
const sync = (r: PeerResult): number | undefined => r.syncMs;
/** Every peer bursts the same events, so CPU per burst compares as CPU per event. */
const burstCpu = (r: PeerResult): number | undefined => r.burstCpuMs;
const rss = (r: PeerResult): number | undefined => r.afterBurst?.rss;
const heap = (r: PeerResult): number | undefined => r.afterBurst?.heap;
const full = 'kubeloop full';
const goFull = 'client-go full';
/** The first row is the CI gate's ratio. */
const targets: readonly Target[] = [
  { name: 'watch events/s ÷ client-node', ours: full, theirs: 'client-node', pick: rate, min: 1.3 },
  {
    name: 'watch events/s ÷ JSON.parse floor (in memory)',
    ours: full,
    theirs: 'floor',
    pick: rate,
    theirPick: (r) => r.parseEventsPerSec,
    min: 0.8,
  },
  {
    name: 'watch events/s ÷ JSON.parse floor, objects kept in a Map (in memory)',
    ours: full,
    theirs: 'floor',
    pick: rate,
    theirPick: (r) => r.parseKeepEventsPerSec,
  },
  { name: 'watch events/s ÷ fetch + JSON.parse loop', ours: full, theirs: 'floor', pick: rate },
  { name: 'watch CPU (ms per burst) ÷ client-node', ours: full, theirs: 'client-node', pick: burstCpu },
  { name: 'watch events/s ÷ client-go (JSON)', ours: full, theirs: goFull, pick: rate },
  { name: 'watch CPU (ms per burst) ÷ client-go (JSON)', ours: full, theirs: goFull, pick: burstCpu },
  { name: 'sync time ÷ client-go (JSON)', ours: full, theirs: goFull, pick: sync, max: 0.5 },
  { name: 'sync time ÷ client-node', ours: full, theirs: 'client-node', pick: sync },
  { name: 'RSS after sync + burst ÷ client-go', ours: full, theirs: goFull, pick: rss, bytes: true, max: 1.5 },
  {
    name: 'RSS, stripManagedFields ÷ client-go with the same transform',
    ours: 'kubeloop stripped',
    theirs: 'client-go stripped',
    pick: rss,
    bytes: true,
    max: 1.2,
  },
  {
    name: 'RSS, metadata-only ÷ client-go metadata informer',
    ours: 'kubeloop metadata',
    theirs: 'client-go metadata',
    pick: rss,
    bytes: true,
    max: 1,
  },
  { name: 'RSS after sync + burst ÷ client-node', ours: full, theirs: 'client-node', pick: rss, bytes: true },
  { name: 'heap after burst ÷ client-go (Go heap)', ours: full, theirs: goFull, pick: heap, bytes: true },
];

/** One row per target whose processes ran; returns the first target's ratio (kubeloop ÷ client-node events/s). */
export function printTargets(runs: Runs): number {
  console.log('\n| target (kubeloop ÷ peer, same run) | kubeloop | peer | ratio: median (min–max) | goal | met |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  let gate = Number.NaN;
  for (const t of targets) {
    const theirPick = t.theirPick ?? t.pick;
    const pairs = ratios(runs, t.ours, t.theirs, t.pick, theirPick);
    if (t === targets[0]) gate = pairs.length ? median(pairs) : Number.NaN;
    if (pairs.length === 0) continue;
    const ratio = median(pairs);
    const goal = t.min !== undefined ? `≥ ${t.min}` : t.max !== undefined ? `≤ ${t.max}` : '';
    const met = t.min !== undefined ? ratio >= t.min : t.max !== undefined ? ratio <= t.max : undefined;
    const show = (label: string, pick: (r: PeerResult) => number | undefined): string => {
      const value = median(figure(runs, label, pick));
      return t.bytes ? mib(value) : fixed(value);
    };
    console.log(
      `| ${t.name} | ${show(t.ours, t.pick)} | ${show(t.theirs, theirPick)} | ${fixed(ratio)} ` +
        `(${fixed(Math.min(...pairs))}–${fixed(Math.max(...pairs))}) | ${goal} | ${met === undefined ? '' : met ? 'yes' : 'no'} |`,
    );
  }
  return gate;
}

/** kubeloop's workqueue beside client-go's: ns per operation (median of rounds, then of repeats) and ops/s ratio. */
export function printWorkqueue(runs: Runs): void {
  console.log('\n### Workqueue, 100k keys\n');
  console.log('| operation | kubeloop | client-go | kubeloop ops/s ÷ client-go (median, min–max) | goal | met |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const [name, prefix] of [
    ['add + get + done', 'addGetDoneNs'],
    ['re-add of a queued key', 'reAddNs'],
  ] as const) {
    const pick = (r: PeerResult): number | undefined => {
      const values = Object.entries(r.workqueue ?? {}).flatMap(([k, v]) => (k.startsWith(prefix) ? [v] : []));
      return values.length ? median(values) : undefined;
    };
    const ours = median(figure(runs, 'kubeloop workqueue', pick));
    const theirs = median(figure(runs, 'client-go workqueue', pick));
    // Ops/s ratio is the inverse of the ns ratio.
    const pairs = ratios(runs, 'client-go workqueue', 'kubeloop workqueue', pick);
    const ratio = median(pairs);
    const met = pairs.length ? (ratio >= 1 ? 'yes' : 'no') : '';
    console.log(
      `| ${name} | ${fixed(ours)} ns | ${fixed(theirs)} ns | ${fixed(ratio)} (${fixed(Math.min(...pairs))}–${fixed(Math.max(...pairs))}) | ≥ 1 | ${met} |`,
    );
  }
}
