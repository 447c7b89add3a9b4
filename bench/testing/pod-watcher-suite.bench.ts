// Measures how long a user waits for the pod-watcher's tests on the fake API server vs the real control plane: the
// two existing suites, and the same reconciler cases (pod-watcher-suite/cases.test.ts) on both, each an
// `npx vitest run` child process (wall time, exit to exit; the tests alone from vitest's JSON report), order rotated.
// Run: npm run bench -- testing/pod-watcher-suite (Node 24 runs this file as is; the tests use the built dist/).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { machine, type Summary, summarize } from '../report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = join(import.meta.dirname, '../..');
const casesConfig = 'bench/testing/pod-watcher-suite/vitest.config.ts';

type Target = 'fake' | 'real';
interface Suite {
  readonly kind: 'existing suites' | 'same cases';
  readonly target: Target;
  readonly args: readonly string[];
}
const suites: readonly Suite[] = [
  { kind: 'existing suites', target: 'fake', args: ['--project', 'unit', 'test/unit/fake/pod-watcher.test.ts'] },
  {
    kind: 'existing suites',
    target: 'real',
    args: ['--project', 'integration', 'test/integration/examples/pod-watcher.test.ts'],
  },
  { kind: 'same cases', target: 'fake', args: ['--config', casesConfig, '--project', 'fake'] },
  { kind: 'same cases', target: 'real', args: ['--config', casesConfig, '--project', 'real'] },
];

interface JsonReport {
  readonly testResults: readonly { readonly assertionResults: readonly { title: string; duration: number }[] }[];
}

/** Runs one suite as a user does; returns its wall time and each test's duration (ms), by title. */
function runSuite(suite: Suite, outputFile: string): { wall: number; tests: Map<string, number> } {
  const args = [
    'vitest',
    'run',
    ...suite.args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${outputFile}`,
  ];
  const begin = performance.now();
  const child = spawnSync('npx', args, { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  const wall = performance.now() - begin;
  if (child.status !== 0) {
    throw new Error(`npx ${args.join(' ')} exited ${child.status}:\n${child.stdout}\n${child.stderr}`);
  }
  const report = JSON.parse(readFileSync(outputFile, 'utf8')) as JsonReport;
  const tests = new Map<string, number>();
  for (const file of report.testResults) for (const test of file.assertionResults) tests.set(test.title, test.duration);
  return { wall, tests };
}

/** Samples by measure, then by target; measures keep the order they are first seen in. */
const samples = new Map<string, Record<Target, number[]>>();
function record(measure: string, target: Target, value: number): void {
  const entry = samples.get(measure) ?? { fake: [], real: [] };
  samples.set(measure, entry);
  entry[target].push(value);
}

/** A case's title as a table row: `30 pods in 3 namespaces` for the census cases. */
function caseLabel(title: string): string {
  const census = /of (\d+) pods in each of (\d+) namespaces/.exec(title);
  if (!census) return `same cases — ${title}`;
  const [perNamespace, namespaces] = [Number(census[1]), Number(census[2])];
  return `same cases — ${perNamespace * namespaces} pods in ${namespaces} namespaces: converge, change, converge`;
}

const load = loadavg().map((l) => l.toFixed(2));
const folder = mkdtempSync(join(tmpdir(), 'kubeloop-pod-watcher-bench-'));
try {
  for (let round = 0; round <= runs; round++) {
    for (let i = 0; i < suites.length; i++) {
      const suite = suites[(round + i) % suites.length] as Suite;
      const { wall, tests } = runSuite(suite, join(folder, `${round}-${i}.json`));
      const testsAlone = [...tests.values()].reduce((sum, d) => sum + d, 0);
      console.error(`  run ${round} ${suite.kind} on ${suite.target}: ${(wall / 1000).toFixed(2)} s`);
      // The first round warms the page cache and vite's transforms and is not counted.
      if (round === 0) continue;
      record(`${suite.kind} — wall time (\`npx vitest run\`, start to exit)`, suite.target, wall);
      record(`${suite.kind} — the tests alone (vitest JSON report)`, suite.target, testsAlone);
      record(
        `${suite.kind} — outside the tests (npx, vitest start, transforms, global setup and teardown)`,
        suite.target,
        wall - testsAlone,
      );
      if (suite.kind === 'same cases') for (const [title, d] of tests) record(caseLabel(title), suite.target, d);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}

const time = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toPrecision(3)} s` : `${ms.toFixed(0)} ms`);
const cell = (s: Summary): string => `${time(s.median)} (${time(s.min)} – ${time(s.max)})`;
console.log('\n### pod-watcher tests: fake API server vs real control plane\n');
console.log(`${machine()} · load average ${load.join(', ')} → ${loadavg()[0]?.toFixed(2)} · ${runs} runs each\n`);
console.log(
  '| measure | fake: median (min – max) | real: median (min – max) | real ÷ fake |\n| --- | --- | --- | --- |',
);
for (const [measure, { fake, real }] of samples) {
  const [f, r] = [summarize(measure, fake, 'ms'), summarize(measure, real, 'ms')];
  console.log(`| ${measure} | ${cell(f)} | ${cell(r)} | ${(r.median / f.median).toFixed(1)} × |`);
}
console.log(
  '\nThe existing suites differ: the fake one converges 30 pods in 3 namespaces (polls every 50 ms); the real one ' +
    '500 pods in 20 namespaces with random changes (polls every 1 s). The same cases run one file on both, ' +
    'with the same objects, changes, 50 ms polls and 1,000 QPS client budget.',
);
