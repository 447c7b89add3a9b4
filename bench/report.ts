// Prints benchmark results as Markdown rows with the machine they ran on, ready for docs/benchmarks.md.
import { cpus, totalmem } from 'node:os';

/** One measured quantity over several runs. */
export interface Summary {
  readonly name: string;
  readonly unit: string;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** Reduces raw samples to median, min and max. */
export function summarize(name: string, samples: readonly number[], unit: string): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  return { name, unit, median, min: sorted[0] ?? Number.NaN, max: sorted.at(-1) ?? Number.NaN, runs: sorted.length };
}

const round = (value: number): string => (value >= 100 ? value.toFixed(0) : value.toPrecision(3));

/** The date, machine, Node version (and Go's, when a Go peer ran) as one line. */
export function machine(goVersion?: string): string {
  const cpu = cpus();
  return (
    `${new Date().toISOString().slice(0, 10)} · ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'} · ` +
    `${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version}${goVersion ? ` · ${goVersion}` : ''}`
  );
}

/** Prints a titled Markdown table, preceded by the machine, Node version and date. */
export function report(title: string, rows: readonly Summary[]): void {
  console.log(`\n### ${title}\n`);
  console.log(`${machine()}\n`);
  console.log('| measure | median | min | max | runs |\n| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const unit = ` ${row.unit}`;
    console.log(
      `| ${row.name} | ${round(row.median)}${unit} | ${round(row.min)}${unit} | ${round(row.max)}${unit} | ${row.runs} |`,
    );
  }
}
