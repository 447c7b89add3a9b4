// Stands for a system outside Kubernetes that keeps a record per Widget (a DNS entry, a cloud resource, a database row).

/** What the external system records of a Widget. */
export interface WidgetRecord {
  readonly image: string;
  readonly replicas: number;
}

/**
 * The external system, as the operator sees it.
 *
 * Guarantees: both calls are idempotent, since a reconcile may run them again after a failure.
 */
export interface ExternalRegistry {
  /** Creates or refreshes the record of `key` (`namespace/name`). */
  put(key: string, record: WidgetRecord): Promise<void>;
  /** Removes the record of `key`; no record is not an error. */
  remove(key: string): Promise<void>;
}

/** An in-memory registry: what the example runs with, and what its tests inspect. */
export class MemoryRegistry implements ExternalRegistry {
  readonly records = new Map<string, WidgetRecord>();

  async put(key: string, record: WidgetRecord): Promise<void> {
    this.records.set(key, record);
  }

  async remove(key: string): Promise<void> {
    this.records.delete(key);
  }
}
