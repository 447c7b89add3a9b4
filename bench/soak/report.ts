// Prints the soak's result as Markdown for docs/benchmarks.md: totals, convergence per fault, memory over time.
import { cpus, totalmem } from 'node:os';
import type { FaultProxyStats } from '../../test/faults/support/fault-proxy.ts';

/** One memory sample, taken after a full GC. */
export interface Sample {
  readonly elapsedS: number;
  readonly heapMiB: number;
  readonly rssMiB: number;
  /** Events the handler had processed so far. */
  readonly events: number;
  /** Full syncs (lists, watch-lists) so far, the first one included. */
  readonly relists: number;
  readonly cached: number;
}

/** One round: churn, a fault, then a convergence check against a fresh LIST. */
export interface Round {
  readonly fault: string;
  readonly ok: boolean;
  /** Time from the end of the fault and the writes until the store and the handler's view matched. */
  readonly ms: number;
}

export interface SoakResult {
  readonly minutes: number;
  readonly writes: number;
  readonly warnings: number;
  readonly samples: readonly Sample[];
  readonly rounds: readonly Round[];
  readonly proxy: FaultProxyStats;
}

const mib = (value: number): string => value.toFixed(1);

/** Heap growth from the first sample after warm-up (the first fifth of the run) to the last, in MiB. */
function heapGrowth(samples: readonly Sample[]): number {
  const last = samples.at(-1);
  const warm = samples.find((s) => last && s.elapsedS >= last.elapsedS / 5) ?? samples[0];
  return last && warm ? last.heapMiB - warm.heapMiB : 0;
}

function faultRows(rounds: readonly Round[]): string[] {
  const names = [...new Set(rounds.map((r) => r.fault))];
  return names.map((name) => {
    const of = rounds.filter((r) => r.fault === name);
    const ms = of.map((r) => r.ms).sort((a, b) => a - b);
    const median = ms[Math.floor(ms.length / 2)] ?? 0;
    const failed = of.filter((r) => !r.ok).length;
    return `| ${name} | ${of.length} | ${of.length - failed} | ${failed} | ${median} | ${ms.at(-1) ?? 0} |`;
  });
}

/** Prints the soak's Markdown report on stdout. */
export function printSoakReport(result: SoakResult): void {
  const cpu = cpus();
  const last = result.samples.at(-1);
  const passed = result.rounds.filter((r) => r.ok).length;
  const lines = [
    `\n### Soak: ${result.minutes} min of churn and rotating network faults (\`npm run soak -- --minutes ${result.minutes}\`)\n`,
    `${new Date().toISOString().slice(0, 10)} · ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'} · ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version}\n`,
    '| measure | value |',
    '| --- | --- |',
    `| writes (create/update/delete) | ${result.writes} |`,
    `| events processed by the handler | ${last?.events ?? 0} |`,
    `| full syncs (lists and watch-lists, the first included) | ${last?.relists ?? 0} |`,
    `| convergence checks passed / failed | ${passed} / ${result.rounds.length - passed} |`,
    `| connections accepted / reset / cut by the proxy | ${result.proxy.accepted} / ${result.proxy.resets} / ${result.proxy.cuts} |`,
    `| warnings logged by the informer | ${result.warnings} |`,
    `| heap after GC, first → last sample | ${mib(result.samples[0]?.heapMiB ?? 0)} → ${mib(last?.heapMiB ?? 0)} MiB |`,
    `| heap growth after warm-up (first fifth) | ${mib(heapGrowth(result.samples))} MiB |`,
    '',
    '| fault | rounds | converged | failed | median ms to converge | max ms |',
    '| --- | --- | --- | --- | --- | --- |',
    ...faultRows(result.rounds),
    '',
    '| elapsed s | heap MiB (after GC) | RSS MiB | events | full syncs | cached objects |',
    '| --- | --- | --- | --- | --- | --- |',
    ...result.samples.map(
      (s) => `| ${s.elapsedS} | ${mib(s.heapMiB)} | ${mib(s.rssMiB)} | ${s.events} | ${s.relists} | ${s.cached} |`,
    ),
  ];
  console.log(lines.join('\n'));
}
