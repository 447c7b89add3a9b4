import { describe, expect, it } from 'vitest';
import type { KubeObject, ObjectMeta } from '../../../../src/client/meta.js';
import {
  and,
  annotationChanged,
  generationChanged,
  labelChanged,
  not,
  or,
  type Predicate,
  resourceVersionChanged,
} from '../../../../src/controller/predicates.js';

function obj(metadata: ObjectMeta): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'ns', ...metadata } };
}

const base = obj({ resourceVersion: '1', generation: 1, labels: { app: 'x' }, annotations: { note: 'n' } });

describe('generationChanged', () => {
  it('passes an update whose generation changed and drops one whose generation did not', () => {
    expect(generationChanged.update?.(base, obj({ ...base.metadata, generation: 2 }))).toBe(true);
    expect(generationChanged.update?.(base, obj({ ...base.metadata, resourceVersion: '2' }))).toBe(false);
  });

  it('lets creates and deletes through', () => {
    expect(generationChanged.create?.(base) ?? true).toBe(true);
    expect(generationChanged.delete?.(base) ?? true).toBe(true);
  });
});

describe('resourceVersionChanged', () => {
  it('passes a real change and drops a resync of the same resourceVersion', () => {
    expect(resourceVersionChanged.update?.(base, obj({ ...base.metadata, resourceVersion: '2' }))).toBe(true);
    expect(resourceVersionChanged.update?.(base, base)).toBe(false);
  });
});

describe('labelChanged', () => {
  it('passes added, removed and edited labels and drops other changes', () => {
    const m = base.metadata;
    expect(labelChanged.update?.(base, obj({ ...m, labels: { app: 'x', tier: 'web' } }))).toBe(true);
    expect(labelChanged.update?.(base, obj({ ...m, labels: {} }))).toBe(true);
    expect(labelChanged.update?.(base, obj({ ...m, labels: { app: 'y' } }))).toBe(true);
    expect(labelChanged.update?.(base, obj({ ...m, labels: { other: 'x' } }))).toBe(true);
    expect(labelChanged.update?.(base, obj({ ...m, resourceVersion: '2', labels: { app: 'x' } }))).toBe(false);
  });

  it('treats absent labels as empty', () => {
    const { labels: _labels, ...noLabels } = base.metadata ?? {};
    expect(labelChanged.update?.(obj(noLabels), obj({ ...noLabels, labels: {} }))).toBe(false);
  });
});

describe('annotationChanged', () => {
  it('passes changed annotations and drops label-only changes', () => {
    const m = base.metadata;
    expect(annotationChanged.update?.(base, obj({ ...m, annotations: { note: 'changed' } }))).toBe(true);
    expect(annotationChanged.update?.(base, obj({ ...m, labels: { app: 'z' } }))).toBe(false);
  });
});

describe('and, or, not', () => {
  const gen2 = obj({ ...base.metadata, generation: 2 });
  const relabelled = obj({ ...base.metadata, labels: { app: 'y' } });
  const noCreates: Predicate = { create: () => false };

  it('and passes an event only when every predicate passes it', () => {
    const both = and(generationChanged, labelChanged);
    expect(both.update?.(base, gen2)).toBe(false);
    expect(both.update?.(base, obj({ ...base.metadata, generation: 2, labels: {} }))).toBe(true);
    expect(and(noCreates, generationChanged).create?.(base)).toBe(false);
    expect(and().update?.(base, base)).toBe(true);
  });

  it('or passes an event when any predicate passes it', () => {
    const either = or(generationChanged, labelChanged);
    expect(either.update?.(base, gen2)).toBe(true);
    expect(either.update?.(base, relabelled)).toBe(true);
    expect(either.update?.(base, obj({ ...base.metadata, resourceVersion: '9' }))).toBe(false);
    expect(or(noCreates, generationChanged).create?.(base)).toBe(true);
    expect(or().create?.(base)).toBe(false);
  });

  it('not inverts each kind of event, a missing method included', () => {
    const notGen = not(generationChanged);
    expect(notGen.update?.(base, gen2)).toBe(false);
    expect(notGen.update?.(base, relabelled)).toBe(true);
    expect(notGen.create?.(base)).toBe(false);
    expect(notGen.delete?.(base)).toBe(false);
    expect(not(noCreates).create?.(base)).toBe(true);
  });
});
