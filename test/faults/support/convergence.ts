// Builds the views the fault suite compares with a fresh LIST, waits for them to agree, and tabulates how long it took.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ResourceEventHandler } from '../../../src/cache/event-handler.js';
import type { DeletedFinalStateUnknown } from '../../../src/cache/tombstone.js';
import type { KubeObject } from '../../../src/client/meta.js';

/** `namespace/name` → resourceVersion. */
export type Snapshot = ReadonlyMap<string, string>;

const keyOf = (obj: Readonly<KubeObject>): string => `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? ''}`;

/** `namespace/name` → resourceVersion of a list of objects. */
export function snapshotOf(objects: readonly Readonly<KubeObject>[]): Snapshot {
  return new Map(objects.map((obj) => [keyOf(obj), obj.metadata?.resourceVersion ?? '']));
}

/**
 * What a handler knows when it builds its state from events alone: adds, updates and deletes (tombstones too).
 * Takes kubeloop's tombstone class so that the soak can pass the built one.
 */
export class EventView<T extends KubeObject> {
  readonly #state = new Map<string, string>();
  readonly #tombstone: typeof DeletedFinalStateUnknown;
  /** Keys whose deletion arrived as a tombstone (the watch missed the delete; a relist found it gone). */
  readonly tombstones: string[] = [];
  events = 0;

  constructor(tombstone: typeof DeletedFinalStateUnknown) {
    this.#tombstone = tombstone;
  }

  readonly handler: ResourceEventHandler<T> = {
    onAdd: (obj) => this.#set(obj),
    onUpdate: (_old, obj) => this.#set(obj),
    onDelete: (obj) => {
      this.events += 1;
      if (obj instanceof this.#tombstone) {
        this.tombstones.push(obj.key);
        this.#state.delete(obj.key);
      } else this.#state.delete(keyOf(obj));
    },
  };

  snapshot(): Snapshot {
    return this.#state;
  }

  #set(obj: Readonly<T>): void {
    this.events += 1;
    this.#state.set(keyOf(obj), obj.metadata?.resourceVersion ?? '');
  }
}

/** The first few differences between two snapshots, as readable lines; empty when equal. */
export function differences(actual: Snapshot, expected: Snapshot, limit = 10): string[] {
  const lines: string[] = [];
  for (const [key, rv] of expected) {
    if (actual.get(key) !== rv) lines.push(`${key}: expected rv ${rv}, got ${actual.get(key) ?? 'nothing'}`);
  }
  for (const [key, rv] of actual) if (!expected.has(key)) lines.push(`${key}: rv ${rv} should be gone`);
  return lines.slice(0, limit);
}

/**
 * Polls until `differ()` reports nothing or `patienceMs` passes; resolves to the milliseconds since `start` (the
 * convergence time) and the remaining differences. No assertion depends on how fast it converged.
 */
export async function converge(
  differ: () => string[],
  start = performance.now(),
  patienceMs = 120_000,
): Promise<{ readonly ms: number; readonly left: string[] }> {
  for (;;) {
    const left = differ();
    const ms = Math.round(performance.now() - start);
    if (left.length === 0 || ms > patienceMs) return { ms, left };
    await sleep(20);
  }
}

/** One row of the suite's convergence table. */
export interface ConvergenceRow {
  readonly scenario: string;
  readonly writes: number;
  readonly storeMs: number;
  readonly handlerMs: number;
  readonly controllerMs: number;
  readonly relists: number;
  readonly note: string;
}

/** Prints the rows as a markdown table (the suite's record of convergence times). */
export function printTable(title: string, rows: readonly ConvergenceRow[]): void {
  const lines = [
    `\n${title}`,
    '| scenario | writes | store converged (ms) | handler view (ms) | controller (ms) | relists | note |',
    '|---|---:|---:|---:|---:|---:|---|',
    ...rows.map(
      (r) =>
        `| ${r.scenario} | ${r.writes} | ${r.storeMs} | ${r.handlerMs} | ${r.controllerMs} | ${r.relists} | ${r.note} |`,
    ),
  ];
  console.log(lines.join('\n'));
}
