import { describe, expect, it } from 'vitest';
import type { ConfigMap } from '../../../../src/client/kubernetes/core-v1/types.js';
import { StatusError } from '../../../../src/client/rest/status-error.js';
import type { PatchFormat } from '../../../../src/client/typed/resource-client.js';
import {
  addFinalizer,
  type FinalizerClient,
  hasFinalizer,
  reconcileFinalizer,
  removeFinalizer,
} from '../../../../src/controller/finalizers.js';

const finalizer = 'example.com/cleanup';

/** A frozen ConfigMap (its finalizers too): a helper that mutated its input would throw. */
function configMap(meta: Partial<NonNullable<ConfigMap['metadata']>> = {}): ConfigMap {
  if (meta.finalizers) Object.freeze(meta.finalizers);
  return Object.freeze({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: Object.freeze({ name: 'cm', namespace: 'ns', resourceVersion: '7', ...meta }),
  });
}

/** A scripted client: records each patch and answers with `answer` (or throws it when it is an Error). */
function scriptedClient(answer: ConfigMap | Error): FinalizerClient<ConfigMap> & {
  patches: { name: string; format: PatchFormat; patch: unknown }[];
} {
  const patches: { name: string; format: PatchFormat; patch: unknown }[] = [];
  return {
    patches,
    async patch(name, format, patch) {
      patches.push({ name, format, patch });
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('hasFinalizer, addFinalizer and removeFinalizer', () => {
  it('report and edit finalizers on copies, never on the (frozen) input', () => {
    const original = configMap({ finalizers: ['other'] });
    const added = addFinalizer(original, finalizer);
    expect(hasFinalizer(original, finalizer)).toBe(false);
    expect(added.metadata?.finalizers).toEqual(['other', finalizer]);
    expect(added.metadata?.name).toBe('cm');
    expect(addFinalizer(added, finalizer).metadata?.finalizers).toEqual(['other', finalizer]);
    const removed = removeFinalizer(added, finalizer);
    expect(removed.metadata?.finalizers).toEqual(['other']);
    expect(added.metadata?.finalizers).toEqual(['other', finalizer]);
    expect(hasFinalizer(configMap(), finalizer)).toBe(false);
  });
});

describe('reconcileFinalizer', () => {
  it('adds the finalizer to a live object with a merge patch carrying its resourceVersion', async () => {
    const server = configMap({ finalizers: [finalizer], resourceVersion: '8' });
    const client = scriptedClient(server);
    let finalized = 0;
    const result = await reconcileFinalizer({
      client,
      object: configMap(),
      finalizer,
      finalize: async () => {
        finalized++;
      },
    });
    expect(result).toEqual({ action: 'added', object: server });
    expect(client.patches).toEqual([
      { name: 'cm', format: 'merge', patch: { metadata: { finalizers: [finalizer], resourceVersion: '7' } } },
    ]);
    expect(finalized).toBe(0);
  });

  it('does nothing to a live object that already has the finalizer', async () => {
    const client = scriptedClient(configMap());
    const object = configMap({ finalizers: [finalizer] });
    const result = await reconcileFinalizer({ client, object, finalizer, finalize: async () => {} });
    expect(result).toEqual({ action: 'none', object });
    expect(client.patches).toEqual([]);
  });

  it('runs finalize on an object being deleted, then removes only its own finalizer', async () => {
    const deleting = configMap({ deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['other', finalizer] });
    const client = scriptedClient(configMap({ finalizers: ['other'] }));
    const seen: ConfigMap[] = [];
    const result = await reconcileFinalizer({
      client,
      object: deleting,
      finalizer,
      finalize: async (object) => {
        seen.push(object);
        expect(client.patches).toEqual([]);
      },
    });
    expect(seen).toEqual([deleting]);
    expect(result.action).toBe('removed');
    expect(client.patches).toEqual([
      { name: 'cm', format: 'merge', patch: { metadata: { finalizers: ['other'], resourceVersion: '7' } } },
    ]);
  });

  it('keeps the finalizer and rejects with the error when finalize fails', async () => {
    const client = scriptedClient(configMap());
    const deleting = configMap({ deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: [finalizer] });
    const failure = new Error('bucket still busy');
    const outcome = reconcileFinalizer({
      client,
      object: deleting,
      finalizer,
      finalize: async () => {
        throw failure;
      },
    });
    await expect(outcome).rejects.toBe(failure);
    expect(client.patches).toEqual([]);
  });

  it('leaves an object being deleted without the finalizer alone, and never runs finalize', async () => {
    const client = scriptedClient(configMap());
    const object = configMap({ deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['other'] });
    let finalized = false;
    const result = await reconcileFinalizer({
      client,
      object,
      finalizer,
      finalize: async () => {
        finalized = true;
      },
    });
    expect(result).toEqual({ action: 'none', object });
    expect(finalized).toBe(false);
  });

  it('surfaces a conflict from the patch to the caller, who requeues', async () => {
    const conflict = new StatusError({ code: 409, reason: 'Conflict' }, { verb: 'PATCH', path: '/api/v1/x' });
    const client = scriptedClient(conflict);
    const outcome = reconcileFinalizer({ client, object: configMap(), finalizer, finalize: async () => {} });
    await expect(outcome).rejects.toBe(conflict);
  });
});
