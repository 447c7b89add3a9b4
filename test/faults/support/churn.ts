// Drives random create/update/delete of labelled ConfigMaps across namespaces, retrying through apiserver outages.
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConfigMap } from '../../../src/client/kubernetes/core-v1/types.js';

const colors = ['red', 'green', 'blue'] as const;
const pick = <T>(values: readonly T[]): T => values[Math.floor(Math.random() * values.length)] as T;

interface Key {
  readonly namespace: string;
  readonly name: string;
}

/** The writes the driver makes in one namespace (a ConfigMap client of kubeloop's, source or built). */
export interface ConfigMapWriter {
  create(configMap: ConfigMap): Promise<unknown>;
  patch(name: string, type: 'merge', patch: Partial<ConfigMap>): Promise<unknown>;
  delete(name: string): Promise<unknown>;
}

/** How the driver reads a failed write; kubeloop's predicates (passed in, so the soak can use the built ones). */
export interface ChurnErrors {
  isAlreadyExists(error: unknown): boolean;
  isNotFound(error: unknown): boolean;
}

/**
 * Random writes to a fixed set of keys, each key owned by one worker so that the driver always knows whether its
 * object exists. A write whose answer was lost (the apiserver died mid-request) is retried and its outcome inferred
 * from the retry: AlreadyExists on create and NotFound on delete or patch mean the first attempt went through.
 */
export class Churn {
  /** Every `namespace/name` written at least once. */
  readonly touched = new Set<string>();
  readonly #live = new Set<string>();
  readonly #waiters: { readonly at: number; readonly resolve: () => void }[] = [];
  #ops = 0;
  readonly #configMaps: (namespace: string) => ConfigMapWriter;
  readonly #keys: readonly Key[];
  readonly #labels: Readonly<Record<string, string>>;
  readonly #errors: ChurnErrors;

  constructor(
    configMaps: (namespace: string) => ConfigMapWriter,
    keys: readonly Key[],
    labels: Readonly<Record<string, string>>,
    errors: ChurnErrors,
  ) {
    this.#configMaps = configMaps;
    this.#keys = keys;
    this.#labels = labels;
    this.#errors = errors;
  }

  /** Writes done so far, over all runs. */
  get ops(): number {
    return this.#ops;
  }

  /** Resolves once the total count of writes reaches `ops`. */
  reached(ops: number): Promise<void> {
    if (this.#ops >= ops) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ at: ops, resolve }));
  }

  /** Does `ops` more writes with `workers` concurrent writers; resolves when all are acknowledged. */
  async run(ops: number, workers = 8): Promise<void> {
    const end = this.#ops + ops;
    let issued = this.#ops;
    const worker = async (w: number): Promise<void> => {
      const mine = this.#keys.filter((_, i) => i % workers === w);
      while (issued < end) {
        issued += 1;
        await this.#write(pick(mine));
        this.#ops += 1;
        for (const waiter of this.#waiters.filter((x) => x.at <= this.#ops)) {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    };
    await Promise.all(Array.from({ length: workers }, (_, w) => worker(w)));
  }

  async #write({ namespace, name }: Key): Promise<void> {
    const id = `${namespace}/${name}`;
    const client = this.#configMaps(namespace);
    this.touched.add(id);
    const live = this.#live.has(id);
    const roll = Math.random();
    await retrying(async () => {
      try {
        if (!live) {
          await client.create({
            metadata: { name, labels: { ...this.#labels, color: pick(colors) } },
            data: { n: '0' },
          });
          this.#live.add(id);
        } else if (roll < 0.6) {
          await client.patch(name, 'merge', { metadata: { labels: { color: pick(colors) } }, data: { n: `${roll}` } });
        } else {
          await client.delete(name);
          this.#live.delete(id);
        }
      } catch (error) {
        if (!live && this.#errors.isAlreadyExists(error)) this.#live.add(id);
        else if (live && this.#errors.isNotFound(error)) this.#live.delete(id);
        else throw error;
      }
    });
  }
}

/** Retries `write` until it succeeds: the test's own writes ride out every fault the suite injects. */
async function retrying(write: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt > 600) throw error;
      await sleep(100);
    }
  }
}
