// Runs sharded replicas (bench/sharding/replica.ts) as child processes, talks to them over IPC, and reads what the
// control plane and the machine are doing: the parent side of the sharding benchmarks.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { ClientSet } from '../../dist/client/index.js';
import { ringLabel, type ShardedResource, shardStatus } from '../../dist/controller/index.js';

/** The resource every benchmark replica shards and reconciles. */
export const configMaps: ShardedResource = { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap' };

/** The Secret whose `runAnnotation` says which run the replicas reconcile towards (see replica.ts). */
export const triggerName = 'bench-run';
export const runAnnotation = 'bench.kubeloop.dev/run';

/** What a replica process is told on its command line (as JSON). */
export interface ReplicaConfig {
  readonly kubeconfig: string;
  readonly namespace: string;
  readonly ring: string;
  readonly shard: string;
  /** The controller's maxConcurrentReconciles. */
  readonly workers: number;
  /** The "external call" each reconcile waits for before writing its result. */
  readonly latencyMs: number;
  readonly runSharder: boolean;
}

/** A replica's answer to `report`: its cache, CPU and (after a forced GC when asked) memory. */
export interface ReplicaReport {
  readonly shard: string;
  /** Objects in its sharded ConfigMap informer. */
  readonly cached: number;
  /** Keys queued in all its workqueues (its controller's and, where it runs, the sharder's). */
  readonly queueDepth: number;
  /** Reconciles of its controller running now. */
  readonly inFlight: number;
  /** Placement decisions its sharder made (0 unless it runs the ring's sharder): one per object once it synced. */
  readonly sharderReconciles: number;
  /** process.cpuUsage(), user + system, in µs since the process started. */
  readonly cpuUs: number;
  readonly heapUsed: number;
  readonly rss: number;
}

export type ToReplica = { readonly type: 'report'; readonly gc: boolean } | { readonly type: 'stop' };

export type FromReplica =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly run: string }
  | { readonly type: 'report'; readonly report: ReplicaReport };

const replicaScript = fileURLToPath(new URL('./replica.ts', import.meta.url));

/** One replica process, as the parent sees it. */
export class Replica {
  readonly config: ReplicaConfig;
  readonly #child: ChildProcess;
  readonly #ready: Promise<void>;
  /** Report requests in the order sent: a replica answers them in order. */
  readonly #reports: ((report: ReplicaReport) => void)[] = [];
  readonly #exited: Promise<void>;
  /** Reconciles that wrote their result, by run. */
  readonly done = new Map<string, number>();
  onDone: ((run: string) => void) | undefined;

  constructor(config: ReplicaConfig) {
    this.config = config;
    this.#child = spawn(process.execPath, ['--expose-gc', replicaScript, JSON.stringify(config)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', () => resolve()));
    this.#ready = new Promise((resolve, reject) => {
      this.#child.once('exit', (code) => reject(new Error(`replica ${config.shard} exited (${code}) early`)));
      this.#child.on('message', (message: FromReplica) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'report') this.#reports.shift()?.(message.report);
        else {
          this.done.set(message.run, (this.done.get(message.run) ?? 0) + 1);
          this.onDone?.(message.run);
        }
      });
    });
    // A replica that dies after it was ready fails the report waiting for it instead.
    this.#ready.catch(() => undefined);
  }

  get pid(): number {
    return this.#child.pid ?? 0;
  }

  /** Resolves once the replica holds its shard Lease and its caches synced. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Its cache, CPU and memory now; `gc` forces a full collection first. */
  report(gc = false): Promise<ReplicaReport> {
    const answer = new Promise<ReplicaReport>((resolve) => this.#reports.push(resolve));
    this.#send({ type: 'report', gc });
    return answer;
  }

  /** Stops its manager gracefully (releasing its Lease) and resolves when the process exited. */
  async stop(): Promise<void> {
    if (this.#child.connected) this.#send({ type: 'stop' });
    await this.#exited;
  }

  #send(message: ToReplica): void {
    this.#child.send(message);
  }
}

/** Resolves once `done()` holds, checking every 100 ms; rejects after `timeoutMs` naming `what`. */
export async function until(what: string, done: () => boolean | Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

/** Resolves once each of `shards` has a Lease in `ring` that is `ready` (held and renewed in time). */
export async function leasesReady(
  clientSet: ClientSet,
  namespace: string,
  ring: string,
  shards: readonly string[],
): Promise<void> {
  await until(`the Leases of ring ${ring}`, async () => {
    const leases = await clientSet
      .coordinationV1()
      .leases(namespace)
      .list({ labelSelector: `${ringLabel}=${ring}` });
    const now = Date.now();
    const ready = new Set(
      leases.items.map((lease) => shardStatus(lease, now)).flatMap((s) => (s.state === 'ready' ? [s.shard] : [])),
    );
    return shards.every((shard) => ready.has(shard));
  });
}

/** Resolves once no replica has a reconcile queued or running. */
export async function idle(replicas: readonly Replica[]): Promise<void> {
  await until('the replicas to go idle', async () => {
    const reports = await Promise.all(replicas.map((r) => r.report()));
    return reports.every((r) => r.queueDepth === 0 && r.inFlight === 0);
  });
}

/** CPU seconds (user + system) etcd and the kube-apiserver spent so far, read from /proc (Linux only). */
export function controlPlaneCpu(): { apiserver: number; etcd: number } {
  const cpu = { apiserver: 0, etcd: 0 };
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // Fields after "(comm)": state ppid ... utime (14th field overall) stime (15th), in USER_HZ (100 on Linux).
    const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[1]) !== process.pid) continue;
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
    if (comm === 'kube-apiserver') cpu.apiserver += seconds;
    if (comm === 'etcd') cpu.etcd += seconds;
  }
  return cpu;
}

/** The 1, 5 and 15 minute load averages, as `a / b / c`. */
export function loadAverage(): string {
  return loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
