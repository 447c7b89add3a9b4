// Shared helpers of the informer unit tests: a captured logger, polling for a condition, a running informer.
import type { Logger } from 'pino';
import type { ResourceEventHandler } from '../../../../src/cache/event-handler.js';
import { DeletedFinalStateUnknown } from '../../../../src/cache/tombstone.js';
import { createLogger } from '../../../../src/logger.js';
import type { TestObject } from '../objects.js';

/** A logger whose JSON lines land in `lines`. */
export function capturedLogger(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: 'warn',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

/** Resolves once `condition()` holds, checking after each macrotask (the test's timeout bounds the wait). */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** A handler recording `add:name@rv`, `update:name@rv->rv`, `delete:name@rv` (tombstones as `delete:~name@rv`). */
export function recorder(): { events: string[]; handler: ResourceEventHandler<TestObject> } {
  const events: string[] = [];
  const id = (o: Readonly<TestObject>): string => `${o.metadata?.name}@${o.metadata?.resourceVersion}`;
  return {
    events,
    handler: {
      onAdd: (obj, initial) => void events.push(`add${initial ? '(initial)' : ''}:${id(obj)}`),
      onUpdate: (old, obj) => void events.push(`update:${id(old)}->${obj.metadata?.resourceVersion}`),
      onDelete: (obj) =>
        void events.push(obj instanceof DeletedFinalStateUnknown ? `delete:~${id(obj.obj)}` : `delete:${id(obj)}`),
    },
  };
}
