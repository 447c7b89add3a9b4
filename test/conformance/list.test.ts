// Conformance: label and field selectors, limit/continue pages, resourceVersion semantics of list, 410 after compaction.
import { expect } from 'vitest';
import { Api, type Collection, core, failure } from './support/api.js';
import { conformance, type Target } from './support/target.js';
import { ensureWidgets, widget, widgets } from './support/widget.js';

/** Five ConfigMaps a..e labelled with tier and (for some) a track label. */
async function seeded(t: Target): Promise<{ api: Api; c: Collection; ns: string }> {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const labels: Record<string, Record<string, string>> = {
    a: { tier: 'web', track: 'stable' },
    b: { tier: 'web', track: 'canary' },
    c: { tier: 'db' },
    d: { tier: 'cache', track: 'stable' },
    e: {},
  };
  for (const [name, set] of Object.entries(labels)) await api.create(c, { metadata: { name, labels: set } });
  return { api, c, ns };
}

async function names(api: Api, c: Collection, params: Record<string, string | number>): Promise<string[]> {
  return (await api.list(c, params)).items.map((item) => item.metadata?.name as string);
}

const labelCases: readonly [string, string[]][] = [
  ['tier=web', ['a', 'b']],
  ['tier==web', ['a', 'b']],
  ['tier!=web', ['c', 'd', 'e']],
  ['tier in (web,db)', ['a', 'b', 'c']],
  ['tier notin (web,db)', ['d', 'e']],
  ['track', ['a', 'b', 'd']],
  ['!track', ['c', 'e']],
  ['tier=web,track=stable', ['a']],
  ['tier,!track', ['c']],
  ['tier=nothing', []],
];

for (const [selector, expected] of labelCases) {
  conformance(`labelSelector "${selector}" selects ${JSON.stringify(expected)}`, async (t) => {
    const { api, c } = await seeded(t);
    expect(await names(api, c, { labelSelector: selector })).toEqual(expected);
  });
}

conformance('an unparsable label selector fails 400 BadRequest', async (t) => {
  const { api, c } = await seeded(t);
  const status = await failure(api.list(c, { labelSelector: 'tier in (web' }));
  expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
});

const fieldCases: readonly [string, string[]][] = [
  ['metadata.name=c', ['c']],
  ['metadata.name!=c', ['a', 'b', 'd', 'e']],
  ['metadata.name==a', ['a']],
  ['metadata.name=a,metadata.name=b', []],
];

for (const [selector, expected] of fieldCases) {
  conformance(`fieldSelector "${selector}" selects ${JSON.stringify(expected)}`, async (t) => {
    const { api, c } = await seeded(t);
    expect(await names(api, c, { fieldSelector: selector })).toEqual(expected);
  });
}

conformance('fieldSelector metadata.namespace selects across namespaces', async (t) => {
  const { api, ns } = await seeded(t);
  const all = await api.list(core('configmaps'), { fieldSelector: `metadata.namespace=${ns}`, labelSelector: 'tier' });
  expect(all.items.map((i) => i.metadata?.name)).toEqual(['a', 'b', 'c', 'd']);
});

conformance('label and field selectors combine', async (t) => {
  const { api, c } = await seeded(t);
  expect(await names(api, c, { labelSelector: 'tier=web', fieldSelector: 'metadata.name!=a' })).toEqual(['b']);
});

conformance('an unsupported field selector on a ConfigMap fails 400 BadRequest', async (t) => {
  const { api, c } = await seeded(t);
  const status = await failure(api.list(c, { fieldSelector: 'data.k=v' }));
  expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  expect(status.message).toBe('"data.k" is not a known field selector: only "metadata.name", "metadata.namespace"');
});

conformance('a Secret can be selected by its type field', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(core('secrets', ns), { metadata: { name: 'opaque' }, type: 'Opaque' });
  await api.create(core('secrets', ns), {
    metadata: { name: 'tls' },
    type: 'kubernetes.io/basic-auth',
    data: { username: 'dQ==' },
  });
  expect(await names(api, core('secrets', ns), { fieldSelector: 'type=Opaque' })).toEqual(['opaque']);
});

conformance('a custom resource field selector other than metadata.name/namespace fails 400', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  const status = await failure(api.list(widgets(ns), { fieldSelector: 'spec.size=1' }));
  expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  expect(status.message).toBe('field label not supported: spec.size');
});

conformance('items come in name order', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  for (const name of ['m', 'b', 'x', 'a']) await api.create(core('configmaps', ns), { metadata: { name } });
  expect(await names(api, core('configmaps', ns), {})).toEqual(['a', 'b', 'm', 'x']);
});

conformance('limit answers a page with a continue token and remainingItemCount', async (t) => {
  const { api, c } = await seeded(t);
  const page = await api.list(c, { limit: 2 });
  expect(page.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
  expect(page.metadata.continue).toEqual(expect.any(String));
  expect(page.metadata.remainingItemCount).toBe(3);
});

conformance('following continue tokens yields every item once, the last page without a token', async (t) => {
  const { api, c } = await seeded(t);
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await api.list(c, { limit: 2, ...(token ? { continue: token } : {}) });
    seen.push(...page.items.map((i) => i.metadata?.name as string));
    token = page.metadata.continue;
    pages++;
  } while (token);
  expect(seen).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(pages).toBe(3);
});

conformance('pages after the first show the list as of the first page (a consistent snapshot)', async (t) => {
  const { api, c } = await seeded(t);
  const first = await api.list(c, { limit: 2 });
  await api.delete(c, 'd');
  await api.create(c, { metadata: { name: 'ca' } });
  const rest = await api.list(c, { limit: 10, continue: first.metadata.continue as string });
  expect(rest.items.map((i) => i.metadata?.name)).toEqual(['c', 'd', 'e']);
  expect(rest.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
});

conformance('a limit larger than the collection answers everything without a token', async (t) => {
  const { api, c } = await seeded(t);
  const page = await api.list(c, { limit: 50 });
  expect(page.items).toHaveLength(5);
  expect(page.metadata.continue).toBeUndefined();
  expect(page.metadata.remainingItemCount).toBeUndefined();
});

conformance('a selector with limit pages over matching items only, without remainingItemCount', async (t) => {
  const { api, c } = await seeded(t);
  const page = await api.list(c, { limit: 1, labelSelector: 'track=stable' });
  expect(page.items.map((i) => i.metadata?.name)).toEqual(['a']);
  expect(page.metadata.remainingItemCount).toBeUndefined();
  const rest = await api.list(c, {
    limit: 1,
    labelSelector: 'track=stable',
    continue: page.metadata.continue as string,
  });
  expect(rest.items.map((i) => i.metadata?.name)).toEqual(['d']);
});

conformance('a continue token from before a compaction fails 410 Expired', async (t) => {
  const { api, c } = await seeded(t);
  const page = await api.list(c, { limit: 2 });
  await api.create(c, { metadata: { name: 'later' } });
  await t.compact();
  const status = await failure(api.list(c, { limit: 2, continue: page.metadata.continue as string }));
  expect(status).toMatchObject({ code: 410, reason: 'Expired' });
  expect(status.message).toContain('The provided continue parameter is too old');
});

conformance('a malformed continue token fails 400 BadRequest', async (t) => {
  const { api, c } = await seeded(t);
  const status = await failure(api.list(c, { limit: 2, continue: 'not-a-token' }));
  expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
});

conformance('resourceVersion=0 lists the current state', async (t) => {
  const { api, c } = await seeded(t);
  expect((await api.list(c, { resourceVersion: '0' })).items).toHaveLength(5);
});

conformance('resourceVersionMatch=Exact lists the state at that resourceVersion', async (t) => {
  const { api, c } = await seeded(t);
  const before = await api.list(c);
  await api.create(c, { metadata: { name: 'f' } });
  await api.delete(c, 'a');
  const exact = await api.list(c, {
    resourceVersion: before.metadata.resourceVersion as string,
    resourceVersionMatch: 'Exact',
  });
  expect(exact.items.map((i) => i.metadata?.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(exact.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
});

conformance('resourceVersionMatch=NotOlderThan lists at least that fresh', async (t) => {
  const { api, c } = await seeded(t);
  const before = await api.list(c);
  await api.create(c, { metadata: { name: 'f' } });
  const list = await api.list(c, {
    resourceVersion: before.metadata.resourceVersion as string,
    resourceVersionMatch: 'NotOlderThan',
  });
  expect(list.items.map((i) => i.metadata?.name)).toContain('f');
});

conformance('resourceVersionMatch without resourceVersion fails 422 Invalid', async (t) => {
  const { api, c } = await seeded(t);
  const status = await failure(api.list(c, { resourceVersionMatch: 'Exact' }));
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
  expect(status.message).toContain('resourceVersionMatch');
});

conformance('an Exact list at a compacted resourceVersion fails 410 Expired', async (t) => {
  const { api, c } = await seeded(t);
  const before = await api.list(c);
  await api.create(c, { metadata: { name: 'f' } });
  await t.compact();
  const status = await failure(
    api.list(c, { resourceVersion: before.metadata.resourceVersion as string, resourceVersionMatch: 'Exact' }),
  );
  expect(status).toMatchObject({ code: 410, reason: 'Expired' });
});

conformance('built-in list items carry no apiVersion or kind', async (t) => {
  const { api, c } = await seeded(t);
  const item = (await api.list(c)).items[0];
  expect(item?.apiVersion).toBeUndefined();
  expect(item?.kind).toBeUndefined();
});

conformance('custom resource list items carry apiVersion and kind', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const list = await api.list(widgets(ns));
  expect(list.kind).toBe('WidgetList');
  expect(list.items[0]).toMatchObject({ apiVersion: 'conformance.kubeloop.dev/v1', kind: 'Widget' });
});

conformance('a list across namespaces includes every namespace', async (t) => {
  const api = new Api(t);
  const [one, two] = [await t.namespace(), await t.namespace()];
  await api.create(core('configmaps', one), { metadata: { name: 'x', labels: { pair: one } } });
  await api.create(core('configmaps', two), { metadata: { name: 'x', labels: { pair: one } } });
  const list = await api.list(core('configmaps'), { labelSelector: `pair=${one}` });
  expect(list.items.map((i) => i.metadata?.namespace).sort()).toEqual([one, two].sort());
});

conformance('deletecollection deletes the objects its selector matches', async (t) => {
  const { api, c } = await seeded(t);
  await api.deleteCollection(c, { labelSelector: 'tier=web' });
  expect(await names(api, c, {})).toEqual(['c', 'd', 'e']);
});
