import { describe, expect, it } from 'vitest';
import type { ResourceEventHandler } from '../../../../src/cache/event-handler.js';
import { DeletedFinalStateUnknown } from '../../../../src/cache/tombstone.js';
import type { KubeObject } from '../../../../src/client/meta.js';
import type { ObservedWrite } from '../../../../src/client/rest/request-observer.js';
import { newManager } from '../../../../src/controller/manager.js';
import { ManagerOptionsError } from '../../../../src/controller/manager-errors.js';
import { compareResourceVersions } from '../../../../src/controller/read-your-writes/observation.js';
import { type PendingWrite, ReadYourWrites } from '../../../../src/controller/read-your-writes/read-your-writes.js';
import { FakeClock, settle } from '../../support/fake-clock.js';

/** An informer whose cache and events the test drives. */
class FakeInformer {
  readonly cache = new Map<string, KubeObject>();
  handler: ResourceEventHandler<KubeObject> | undefined;
  constructor(readonly name: string) {}
  addEventHandler(handler: ResourceEventHandler<KubeObject>): void {
    this.handler = handler;
  }
  getIndexer() {
    return { getByKey: (key: string) => this.cache.get(key) };
  }
  /** Caches `obj` and tells the handler, as an informer does. */
  update(obj: KubeObject): void {
    const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
    const old = this.cache.get(key);
    this.cache.set(key, obj);
    if (old) this.handler?.onUpdate?.(old, obj);
    else this.handler?.onAdd?.(obj, false);
  }
  delete(key: string, tombstone = false): void {
    const old = this.cache.get(key);
    this.cache.delete(key);
    if (old) this.handler?.onDelete?.(tombstone ? new DeletedFinalStateUnknown(key, old) : old);
  }
}

function configMap(name: string, resourceVersion: string, namespace = 'ns'): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, resourceVersion } };
}

function write(verb: string, response: unknown, overrides: Partial<ObservedWrite> = {}): ObservedWrite {
  return {
    verb,
    group: '',
    version: 'v1',
    resource: 'configmaps',
    subresource: '',
    namespace: 'ns',
    name: '',
    response,
    ...overrides,
  };
}

function setUp(options: { namespace?: string } = {}) {
  const clock = new FakeClock();
  const ryw = new ReadYourWrites({ timeoutMs: 10_000, clock, ...options });
  const typed = new FakeInformer('typed:/v1/configmaps');
  const metadata = new FakeInformer('metadata:/v1/configmaps');
  const secrets = new FakeInformer('typed:/v1/secrets');
  const custom = new FakeInformer('my-own-key');
  ryw.attach([typed, metadata, secrets, custom]);
  /** Runs `writes` as one reconcile's and returns what it left pending. */
  const reconcileWriting = async (...writes: ObservedWrite[]): Promise<readonly PendingWrite[]> => {
    const tracked = await ryw.track(async () => {
      for (const w of writes) ryw.onWrite(w);
    });
    return tracked.writes;
  };
  return { clock, ryw, typed, metadata, secrets, custom, reconcileWriting };
}

/** Whether `pending` settled yet, and how. */
async function state(pending: PendingWrite): Promise<boolean | 'pending'> {
  const marker = Symbol('pending');
  const result = await Promise.race([pending.settled, settle().then(() => marker)]);
  return result === marker ? 'pending' : (result as boolean);
}

describe('ReadYourWrites', () => {
  it('waits until every informer of the resource cached the written resourceVersion or a newer one', async () => {
    const { typed, metadata, reconcileWriting } = setUp();
    typed.update(configMap('a', '5'));
    metadata.update(configMap('a', '5'));

    const [pending] = await reconcileWriting(write('PUT', configMap('a', '10'), { name: 'a' }));
    if (pending === undefined) throw new Error('the write should be pending');
    expect(pending.description).toBe('configmaps ns/a@10');
    typed.update(configMap('a', '9'));
    typed.update(configMap('a', '10'));
    expect(await state(pending)).toBe('pending');
    metadata.update(configMap('a', '12'));
    expect(await state(pending)).toBe(true);
  });

  it('leaves nothing pending when the caches already hold the write, or nothing watches it', async () => {
    const { typed, metadata, reconcileWriting } = setUp({ namespace: 'ns' });
    typed.update(configMap('a', '10'));
    metadata.update(configMap('a', '11'));

    const pending = await reconcileWriting(
      write('PATCH', configMap('a', '10'), { name: 'a' }),
      write('POST', configMap('b', '3', 'other'), { namespace: 'other' }),
      write(
        'POST',
        { kind: 'Event', metadata: { name: 'e', namespace: 'ns', resourceVersion: '4' } },
        { resource: 'events', group: 'events.k8s.io' },
      ),
      write('POST', { kind: 'Eviction' }, { name: 'a', subresource: 'eviction' }),
      write('DELETE', { kind: 'Status', status: 'Success' }, { name: '' }),
      write('POST', { kind: 'ConfigMap', metadata: { name: 'dry-run', namespace: 'ns' } }),
    );
    expect(pending).toEqual([]);
  });

  it('records no write made outside a tracked reconcile, nor one made after it returned', async () => {
    const { ryw } = setUp();
    ryw.onWrite(write('POST', configMap('a', '3')));
    let later: () => void = () => {};
    const tracked = await ryw.track(async () => {
      later = () => ryw.onWrite(write('POST', configMap('b', '4')));
    });
    later();
    expect(tracked.writes).toEqual([]);
  });

  it('counts a delete answered with a Status as observed once the object left every cache', async () => {
    const { typed, metadata, reconcileWriting } = setUp();
    typed.update(configMap('a', '5'));
    metadata.update(configMap('a', '5'));

    const [pending] = await reconcileWriting(write('DELETE', { kind: 'Status', status: 'Success' }, { name: 'a' }));
    if (pending === undefined) throw new Error('the delete should be pending');
    typed.delete('ns/a');
    expect(await state(pending)).toBe('pending');
    metadata.delete('ns/a', true);
    expect(await state(pending)).toBe(true);
  });

  it('counts removing the last finalizer of a deleting object as its deletion, even when the cache saw it first', async () => {
    // Regression: the informer may see the DELETED event before the write's answer is read; the next reconcile
    // then waited the whole timeout for a resourceVersion no cache would ever hold.
    const { typed, metadata, reconcileWriting } = setUp();
    const deleting = (rv: string, finalizers: string[]): KubeObject => ({
      ...configMap('a', rv),
      metadata: {
        name: 'a',
        namespace: 'ns',
        resourceVersion: rv,
        deletionTimestamp: '2026-01-01T00:00:00Z',
        finalizers,
      },
    });
    typed.update(deleting('5', ['example.com/cleanup']));
    metadata.update(deleting('5', ['example.com/cleanup']));
    typed.delete('ns/a');
    metadata.delete('ns/a');

    const pending = await reconcileWriting(write('PATCH', deleting('6', []), { name: 'a' }));
    expect(pending).toEqual([]);
  });

  it('gives up on a write the caches do not observe within the timeout', async () => {
    const { clock, reconcileWriting } = setUp();
    const [pending] = await reconcileWriting(write('POST', configMap('a', '3')));
    if (pending === undefined) throw new Error('the create should be pending');

    await clock.advance(9_999);
    expect(await state(pending)).toBe('pending');
    await clock.advance(1);
    expect(await state(pending)).toBe(false);
  });

  it('returns what the reconcile returned or threw, with its writes', async () => {
    const { ryw } = setUp();
    const failed = await ryw.track(async () => {
      ryw.onWrite(write('POST', configMap('a', '3')));
      throw new Error('boom');
    });
    expect(failed.outcome).toEqual({ status: 'rejected', reason: new Error('boom') });
    expect(failed.writes.map((w) => w.description)).toEqual(['configmaps ns/a@3']);
    expect((await ryw.track(async () => 7)).outcome).toEqual({ status: 'fulfilled', value: 7 });
  });
});

describe('compareResourceVersions', () => {
  it('orders integer resourceVersions numerically and leaves opaque ones unordered', () => {
    expect(compareResourceVersions('9', '10')).toBeLessThan(0);
    expect(compareResourceVersions('18446744073709551616', '18446744073709551615')).toBeGreaterThan(0);
    expect(compareResourceVersions('10', '10')).toBe(0);
    expect(compareResourceVersions('abc', '10')).toBeUndefined();
    expect(compareResourceVersions('', '10')).toBeUndefined();
  });
});

describe('ManagerOptions.readYourWrites', () => {
  const config = { host: 'https://127.0.0.1:1' };

  it('is on by default with a 10 s timeout, and off with false', () => {
    expect(newManager({ config }).readYourWrites?.timeoutMs).toBe(10_000);
    expect(newManager({ config, readYourWrites: { timeoutMs: 500 } }).readYourWrites?.timeoutMs).toBe(500);
    expect(newManager({ config, readYourWrites: false }).readYourWrites).toBeUndefined();
  });

  it('rejects a timeout that is not a positive number', () => {
    expect(() => newManager({ config, readYourWrites: { timeoutMs: 0 } })).toThrow(
      new ManagerOptionsError('readYourWrites.timeoutMs must be a number > 0, got 0'),
    );
  });
});
