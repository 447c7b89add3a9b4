import { describe, expect, it } from 'vitest';
import type {
  PendingWrite,
  ReadYourWritesGate,
  TrackedReconcile,
} from '../../../../src/controller/read-your-writes/read-your-writes.js';
import type { Request } from '../../../../src/controller/reconciler.js';
import { type Deferred, deferred, startController, until } from './harness.js';

const a: Request = { namespace: 'ns', name: 'a' };
const b: Request = { namespace: 'ns', name: 'b' };

/** A gate whose reconciles each leave one write pending, settled when the test says. */
function scriptedGate(): { gate: ReadYourWritesGate; writes: Deferred<boolean>[] } {
  const writes: Deferred<boolean>[] = [];
  const gate: ReadYourWritesGate = {
    timeoutMs: 10_000,
    async track<T>(reconcile: () => Promise<T>): Promise<TrackedReconcile<T>> {
      const settled = deferred<boolean>();
      writes.push(settled);
      const pending: PendingWrite = { description: `write ${writes.length}`, settled: settled.promise };
      try {
        return { outcome: { status: 'fulfilled', value: await reconcile() }, writes: [pending] };
      } catch (reason) {
        return { outcome: { status: 'rejected', reason }, writes: [pending] };
      }
    },
  };
  return { gate, writes };
}

describe('Controller with read-your-writes', () => {
  it("holds a key's next reconcile until its previous writes settled, without holding other keys", async () => {
    const { gate, writes } = scriptedGate();
    const seen: string[] = [];
    const h = startController(
      async (request) => {
        seen.push(request.name);
      },
      { readYourWrites: gate, maxConcurrentReconciles: 2 },
    );
    h.controller.enqueue(a);
    await until(() => seen.length === 1);
    h.controller.enqueue(a);
    h.controller.enqueue(b);
    await until(() => seen.length === 2);
    await until(() => h.lines.some((line) => line.msg === 'Waiting for the caches to observe own writes'));
    expect(seen).toEqual(['a', 'b']);

    writes[0]?.resolve(true);
    await until(() => seen.length === 3);
    expect(seen).toEqual(['a', 'b', 'a']);
    await h.stop();
  });

  it('reconciles anyway, with a warning, when a write was not observed in time; writes of a failed reconcile count', async () => {
    const { gate, writes } = scriptedGate();
    const seen: string[] = [];
    const h = startController(
      async (request) => {
        seen.push(request.name);
        if (seen.length === 1) throw new Error('half done');
      },
      { readYourWrites: gate },
    );
    h.controller.enqueue(a);
    await until(() => seen.length === 1);
    await h.clock.fireNext(); // the retry's backoff
    await until(() => h.lines.some((line) => line.msg === 'Waiting for the caches to observe own writes'));
    expect(seen).toHaveLength(1);

    writes[0]?.resolve(false);
    await until(() => seen.length === 2);
    const warning = h.lines.find((line) => line.level === 40);
    expect(warning).toMatchObject({ writes: ['write 1'], timeoutMs: 10_000 });
    await h.stop();
  });

  it('never waits when turned off', async () => {
    const seen: string[] = [];
    const h = startController(
      async (request) => {
        seen.push(request.name);
      },
      { readYourWrites: false },
    );
    h.controller.enqueue(a);
    await until(() => seen.length === 1);
    h.controller.enqueue(a);
    await until(() => seen.length === 2);
    await h.stop();
  });
});
