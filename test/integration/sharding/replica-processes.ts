// Runs sharded replicas as child processes (fixtures/replica.ts) and gathers what each reports: its membership, its
// reconciles with their timestamps, and the size of its caches.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const fixture = fileURLToPath(new URL('./fixtures/replica.ts', import.meta.url));

/** One reconcile of a parent, as its replica recorded it (wall-clock ms). */
export interface Reconcile {
  readonly by: string;
  readonly key: string;
  readonly resourceVersion: string;
  /** Whether the parent's child Secret was in the reconciling replica's own cache. */
  readonly child: boolean;
  readonly start: number;
  readonly end: number;
}

/** A replica's own report of its caches (parents and children held) and of the drains it acknowledged. */
export interface ReplicaStatus {
  readonly parents: number;
  readonly children: number;
  readonly drains: number;
  readonly drainSeconds: number;
}

/** One replica process. */
export interface Replica {
  readonly shard: string;
  readonly process: ChildProcess;
  readonly exited: Promise<unknown[]>;
  /** When the test learnt that it holds its membership Lease (wall-clock ms); undefined before. */
  memberAt: number | undefined;
  /** Stopped by the test (any other exit is a crash). */
  stopped: boolean;
  exitedAt: number | undefined;
  /** The exit code, or the signal that ended it. */
  exit: number | NodeJS.Signals | undefined;
  status: ReplicaStatus | undefined;
}

/**
 * Replica processes of one ring and everything they printed. Lines are parsed as they arrive, so the records are
 * as fresh as the pipes.
 */
export class ReplicaProcesses {
  readonly replicas: Replica[] = [];
  readonly reconciles: Reconcile[] = [];
  readonly #env: Readonly<Record<string, string>>;
  /** `<key> <by> <resourceVersion>` → the earliest end of such a reconcile that found the child. */
  readonly #complete = new Map<string, number>();

  constructor(env: Readonly<Record<string, string>>) {
    this.#env = env;
  }

  /** Starts a replica as shard `shard`. */
  start(shard: string): Replica {
    const proc = spawn(process.execPath, [fixture], {
      env: { ...process.env, ...this.#env, SHARD: shard },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const replica: Replica = {
      shard,
      process: proc,
      exited: once(proc, 'exit'),
      memberAt: undefined,
      stopped: false,
      exitedAt: undefined,
      exit: undefined,
      status: undefined,
    };
    void replica.exited.then(([code, signal]) => {
      replica.exitedAt = Date.now();
      replica.exit = (code as number | null) ?? (signal as NodeJS.Signals);
    });
    createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => this.#read(replica, line));
    this.replicas.push(replica);
    return replica;
  }

  #read(replica: Replica, line: string): void {
    const parsed = JSON.parse(line) as Reconcile | { member: string } | { status: ReplicaStatus };
    if ('member' in parsed) replica.memberAt = Date.now();
    else if ('status' in parsed) replica.status = parsed.status;
    else {
      this.reconciles.push(parsed);
      if (!parsed.child) return;
      const id = `${parsed.key} ${parsed.by} ${parsed.resourceVersion}`;
      this.#complete.set(id, Math.min(this.#complete.get(id) ?? Infinity, parsed.end));
    }
  }

  /** Replicas neither stopped by the test nor crashed. */
  live(): Replica[] {
    return this.replicas.filter((r) => !r.stopped);
  }

  /** Replicas that exited without the test stopping them. */
  crashed(): string[] {
    return this.replicas.filter((r) => !r.stopped && r.exitedAt !== undefined).map((r) => r.shard);
  }

  /** Stops a replica with `signal` and waits for its exit. */
  async stop(replica: Replica, signal: NodeJS.Signals): Promise<void> {
    replica.stopped = true;
    replica.process.kill(signal);
    await replica.exited;
  }

  /** Kills every replica still running and waits for them. */
  async killAll(): Promise<void> {
    for (const replica of this.replicas) {
      replica.stopped = true;
      if (replica.exitedAt === undefined) replica.process.kill('SIGKILL');
    }
    await Promise.all(this.replicas.map((r) => r.exited));
  }

  /** When `by` first finished reconciling `key` at `resourceVersion` with its child in its cache; undefined if never. */
  completedAt(key: string, by: string, resourceVersion: string): number | undefined {
    return this.#complete.get(`${key} ${by} ${resourceVersion}`);
  }

  /** Objects reconciled by two replicas over intersecting [start, end] intervals, as `key: a/b`. */
  overlaps(): string[] {
    const byKey = new Map<string, Reconcile[]>();
    for (const r of this.reconciles) {
      const list = byKey.get(r.key);
      if (list === undefined) byKey.set(r.key, [r]);
      else list.push(r);
    }
    const found: string[] = [];
    for (const [key, list] of byKey) {
      const sorted = list.sort((a, b) => a.start - b.start);
      sorted.forEach((a, i) => {
        for (let j = i + 1; j < sorted.length && (sorted[j] as Reconcile).start <= a.end; j++) {
          const b = sorted[j] as Reconcile;
          if (b.by !== a.by) found.push(`${key}: ${a.by}/${b.by}`);
        }
      });
    }
    return found;
  }
}
