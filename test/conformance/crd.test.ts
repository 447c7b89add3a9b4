// Conformance: CRD establishment, custom resource schema validation, defaulting and pruning, and CRD deletion.
import { expect } from 'vitest';
import { Api, failure, grouped, uniqueName } from './support/api.js';
import { conformance } from './support/target.js';
import { crds, ensureWidgets, widget, widgetCrd, widgets } from './support/widget.js';

interface Condition {
  type: string;
  status: string;
}

conformance('a CRD becomes NamesAccepted and Established with its accepted names', async (t) => {
  const api = await ensureWidgets(t);
  const crd = await api.eventually(
    () => api.get(crds, widgetCrd.metadata.name),
    (o) =>
      ((o.status as { conditions?: Condition[] })?.conditions ?? []).some(
        (c) => c.type === 'Established' && c.status === 'True',
      ),
  );
  const status = crd.status as {
    conditions: Condition[];
    acceptedNames: Record<string, unknown>;
    storedVersions: string[];
  };
  expect(status.conditions.find((c) => c.type === 'NamesAccepted')?.status).toBe('True');
  expect(status.acceptedNames).toMatchObject({
    plural: 'widgets',
    singular: 'widget',
    kind: 'Widget',
    listKind: 'WidgetList',
  });
  expect(status.storedVersions).toEqual(['v1']);
});

conformance('a CRD named other than <plural>.<group> fails 422 Invalid', async (t) => {
  const api = new Api(t);
  const status = await failure(api.create(crds, { ...widgetCrd, metadata: { name: 'wrong.example.com' } }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
});

const invalidSpecs: readonly [string, Record<string, unknown>, string][] = [
  ['a wrong type', { size: 'big' }, 'spec.size'],
  ['a value under minimum', { size: -1 }, 'spec.size'],
  ['a value outside the enum', { size: 1, color: 'green' }, 'spec.color'],
  ['a string over maxLength', { size: 1, name: 'much-too-long-for-this' }, 'spec.name'],
  ['a missing required field', { color: 'red' }, 'spec.size'],
  ['a list item of the wrong type', { size: 1, tags: ['ok', 3] }, 'spec.tags[1]'],
  ['a map value of the wrong type', { size: 1, labels: { a: 1 } }, 'spec.labels.a'],
];

for (const [what, spec, field] of invalidSpecs) {
  conformance(`a custom resource with ${what} fails 422 Invalid naming ${field}`, async (t) => {
    const api = await ensureWidgets(t);
    const ns = await t.namespace();
    const status = await failure(api.create(widgets(ns), widget(uniqueName(), spec)));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
    expect(status.details).toMatchObject({ group: 'conformance.kubeloop.dev', kind: 'Widget' });
    expect(status.details?.causes?.map((c) => c.field)).toContain(field);
  });
}

conformance('schema defaults fill missing fields', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), widget('w', { size: 1 }));
  expect(created.spec).toEqual({ size: 1, mode: 'auto' });
});

conformance('fields the schema does not know are pruned', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const created = await api.create(widgets(ns), { ...widget('w', { size: 1, unknown: 'x' }), extra: { a: 1 } });
  expect(created.spec).toEqual({ size: 1, mode: 'auto' });
  expect(created.extra).toBeUndefined();
});

conformance('a valid custom resource round-trips its lists and maps', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const spec = { size: 3, color: 'blue', mode: 'manual', tags: ['a', 'b'], labels: { x: 'y' } };
  await api.create(widgets(ns), widget('w', spec));
  expect((await api.get(widgets(ns), 'w')).spec).toEqual(spec);
});

conformance('custom resources answer 404 in a group the server does not serve', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const status = await failure(api.list(grouped('nothing.kubeloop.dev', 'v1', 'things', ns)));
  expect(status.code).toBe(404);
});

conformance('deleting a CRD removes its custom resources and stops serving them', async (t) => {
  const api = new Api(t);
  const group = `${uniqueName('g')}.kubeloop.dev`;
  const crd = {
    ...widgetCrd,
    metadata: { name: `gadgets.${group}` },
    spec: {
      ...widgetCrd.spec,
      group,
      names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget', listKind: 'GadgetList' },
    },
  };
  await api.create(crds, crd);
  const ns = await t.namespace();
  const gadgets = grouped(group, 'v1', 'gadgets', ns);
  await api.eventually(
    () =>
      api
        .create(gadgets, { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g' }, spec: { size: 1 } })
        .then(
          () => true,
          () => false,
        ),
    Boolean,
  );
  await api.delete(crds, crd.metadata.name);
  await api.eventually(
    () =>
      api.get(crds, crd.metadata.name).then(
        () => 'present',
        () => 'gone',
      ),
    (state) => state === 'gone',
  );
  await api.eventually(
    () =>
      api.list(gadgets).then(
        () => 'served',
        (e: unknown) => e,
      ),
    (state) => state !== 'served',
  );
  expect((await failure(api.list(gadgets))).code).toBe(404);
});
