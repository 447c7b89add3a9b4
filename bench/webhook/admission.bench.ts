// Measures admission requests/s and p50/p99 latency of a WebhookServer under a loopback load generator.
// Run: npm run bench -- webhook/admission (Node 24 runs this file as is; it uses the built dist/).
// The server runs in a child process so generator and server each get a core; both ends speak real TLS.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';
import { createLogger } from '../../dist/logger.js';
import {
  deny,
  generateWebhookCertificates,
  mutatingWebhook,
  validatingWebhook,
  WebhookServer,
  writeServingCertificate,
} from '../../dist/webhook/index.js';
import { report, summarize } from '../report.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
// Bounded both ways: at most this many requests, and at most this long, per run and path.
const maxRequests = Number(process.env.BENCH_REQUESTS ?? 20_000);
const maxMs = Number(process.env.BENCH_MS ?? 5_000);
// In flight at once: the apiserver calls a webhook once per admitted write, many writes in parallel.
const concurrency = 32;

/** The child: a server with a validating and a mutating webhook; prints its port and CA, runs until stdin closes. */
async function serve(): Promise<void> {
  const { ca, serving } = generateWebhookCertificates({ hosts: ['127.0.0.1'] });
  const dir = await mkdtemp(join(tmpdir(), 'kubeloop-bench-'));
  const server = new WebhookServer({
    ...(await writeServingCertificate(dir, serving)),
    port: 0,
    host: '127.0.0.1',
    logger: createLogger({ level: 'silent' }),
  });
  server.register(
    '/validate',
    validatingWebhook({
      name: 'validate',
      validate: (request) => (request.object?.metadata?.labels?.forbidden ? deny('forbidden label') : undefined),
    }),
  );
  server.register(
    '/mutate',
    mutatingWebhook({
      name: 'mutate',
      mutate: (object) => ({
        ...object,
        metadata: { ...object.metadata, labels: { ...object.metadata?.labels, tier: 'gold' } },
      }),
    }),
  );
  const stop = new AbortController();
  const done = server.start(stop.signal);
  console.log(JSON.stringify({ address: await server.serving(), ca: ca.certPem }));
  process.stdin.resume().on('end', () => stop.abort());
  await done;
  await rm(dir, { recursive: true, force: true });
}

/** An AdmissionReview of a Pod of about 2 KB, as the apiserver sends for a create. */
function reviewBody(uid: number): string {
  const containers = Array.from({ length: 3 }, (_, i) => ({
    name: `container-${i}`,
    image: `registry.example.com/team/app-${i}:1.2.${i}`,
    env: Array.from({ length: 5 }, (_, j) => ({ name: `VARIABLE_${j}`, value: `value-${j}-${'x'.repeat(20)}` })),
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '512Mi' } },
  }));
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${uid}`, namespace: 'bench', labels: { app: 'bench', release: 'stable' } },
    spec: { containers, restartPolicy: 'Always', serviceAccountName: 'default' },
  };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${uid}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace: 'bench',
      operation: 'CREATE',
      userInfo: { username: 'bench', groups: ['system:authenticated'] },
      object: pod,
      dryRun: false,
    },
  });
}

interface RunResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
}

/** Sends requests with `concurrency` in flight until the count or the time bound; latencies in ms. */
async function load(pool: Pool, path: string): Promise<RunResult> {
  const latencies: number[] = [];
  const begin = performance.now();
  let sent = 0;
  const worker = async () => {
    while (sent < maxRequests && performance.now() - begin < maxMs) {
      const body = reviewBody(sent++);
      const start = performance.now();
      const response = await pool.request({
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      const answer = (await response.body.json()) as { response?: { allowed?: boolean } };
      if (response.statusCode !== 200 || answer.response?.allowed !== true) throw new Error(`bad answer from ${path}`);
      latencies.push(performance.now() - start);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - begin;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? Number.NaN;
  return { perSecond: (latencies.length * 1000) / elapsed, p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<void> {
  const child = spawn(process.execPath, [import.meta.filename], {
    env: { ...process.env, KUBELOOP_BENCH_ROLE: 'server' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const first = await new Promise<string>((resolve) => createInterface({ input: child.stdout }).once('line', resolve));
  const { address, ca } = JSON.parse(first) as { address: string; ca: string };
  const pool = new Pool(`https://${address}`, { connections: concurrency, connect: { ca } });
  const samples = new Map<string, RunResult[]>([
    ['/validate', []],
    ['/mutate', []],
  ]);
  try {
    for (let i = 0; i <= runs; i++) {
      for (const [path, results] of samples) {
        const result = await load(pool, path);
        // The first run warms up the JIT and the connections and is not counted.
        if (i > 0) results.push(result);
      }
    }
  } finally {
    await pool.close();
    child.stdin.end();
  }
  const rows = [...samples].flatMap(([path, results]) => {
    const what = path === '/validate' ? 'validating' : 'mutating (JSON Patch)';
    return [
      summarize(
        `${what}: admission requests/s, ${concurrency} in flight`,
        results.map((r) => r.perSecond),
        'req/s',
      ),
      summarize(
        `${what}: p50 latency`,
        results.map((r) => r.p50),
        'ms',
      ),
      summarize(
        `${what}: p99 latency`,
        results.map((r) => r.p99),
        'ms',
      ),
    ];
  });
  report(
    `webhook admission over loopback TLS (~2 KB Pod reviews, ≤ ${maxRequests} requests or ${maxMs} ms per run)`,
    rows,
  );
}

if (process.env.KUBELOOP_BENCH_ROLE === 'server') await serve();
else await main();
