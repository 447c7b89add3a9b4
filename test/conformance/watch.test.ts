// Conformance: watch from a resourceVersion, initial events, selectors, watch-list bookmarks and 410 after compaction.
import { expect } from 'vitest';
import { Api, core, type Event, failure, uniqueName } from './support/api.js';
import { conformance, type Target } from './support/target.js';
import { ensureWidgets, widget, widgets } from './support/widget.js';

conformance('a watch from a list resourceVersion sees ADDED, MODIFIED and DELETED in order', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const list = await api.list(c);
  const watch = await api.watch(c, { resourceVersion: list.metadata.resourceVersion });
  const created = await api.create(c, { metadata: { name: 'a' }, data: { k: '1' } });
  const updated = await api.patch(c, 'a', 'merge', { data: { k: '2' } });
  await api.delete(c, 'a');
  const events = [await watch.next(), await watch.next(), await watch.next()];
  watch.close();
  expect(events.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
  expect(events[0]?.object.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  expect(events[1]?.object.metadata?.resourceVersion).toBe(updated.metadata?.resourceVersion);
  expect(Number(events[2]?.object.metadata?.resourceVersion)).toBeGreaterThan(
    Number(updated.metadata?.resourceVersion),
  );
});

conformance('watch events carry apiVersion and kind', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const list = await api.list(c);
  const watch = await api.watch(c, { resourceVersion: list.metadata.resourceVersion });
  await api.create(c, { metadata: { name: 'a' } });
  const event = await watch.next();
  watch.close();
  expect(event.object).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' });
});

conformance('a watch without resourceVersion starts with ADDED for existing objects', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  await api.create(c, { metadata: { name: 'a' } });
  await api.create(c, { metadata: { name: 'b' } });
  const watch = await api.watch(c, {});
  const first = [await watch.next(), await watch.next()];
  await api.create(c, { metadata: { name: 'c' } });
  const third = await watch.next();
  watch.close();
  expect(first.map((e) => `${e.type} ${e.object.metadata?.name}`).sort()).toEqual(['ADDED a', 'ADDED b']);
  expect(`${third.type} ${third.object.metadata?.name}`).toBe('ADDED c');
});

conformance('a watch from an older resourceVersion replays the changes since', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const list = await api.list(c);
  await api.create(c, { metadata: { name: 'a' } });
  await api.create(c, { metadata: { name: 'b' } });
  const watch = await api.watch(c, { resourceVersion: list.metadata.resourceVersion });
  const events = [await watch.next(), await watch.next()];
  watch.close();
  expect(events.map((e) => e.object.metadata?.name)).toEqual(['a', 'b']);
});

conformance('a watch only sees its namespace', async (t) => {
  const api = new Api(t);
  const [one, two] = [await t.namespace(), await t.namespace()];
  const list = await api.list(core('configmaps', one));
  const watch = await api.watch(core('configmaps', one), { resourceVersion: list.metadata.resourceVersion });
  await api.create(core('configmaps', two), { metadata: { name: 'elsewhere' } });
  await api.create(core('configmaps', one), { metadata: { name: 'here' } });
  const event = await watch.next();
  watch.close();
  expect(event.object.metadata?.name).toBe('here');
});

conformance('a label-selected watch sees an object leave as DELETED and enter as ADDED', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  await api.create(c, { metadata: { name: 'a', labels: { app: 'x' } } });
  const list = await api.list(c);
  const watch = await api.watch(c, { resourceVersion: list.metadata.resourceVersion, labelSelector: 'app=x' });
  await api.patch(c, 'a', 'merge', { metadata: { labels: { app: 'y' } } });
  await api.patch(c, 'a', 'merge', { metadata: { labels: { app: 'x' } } });
  const events = [await watch.next(), await watch.next()];
  watch.close();
  expect(events.map((e) => e.type)).toEqual(['DELETED', 'ADDED']);
  // The DELETED event carries the last state that matched the selector.
  expect(events[0]?.object.metadata?.labels).toEqual({ app: 'x' });
});

conformance('a field-selected watch sees only the named object', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const list = await api.list(c);
  const watch = await api.watch(c, {
    resourceVersion: list.metadata.resourceVersion,
    fieldSelector: 'metadata.name=b',
  });
  await api.create(c, { metadata: { name: 'a' } });
  await api.create(c, { metadata: { name: 'b' } });
  const event = await watch.next();
  watch.close();
  expect(event.object.metadata?.name).toBe('b');
});

conformance('sendInitialEvents sends ADDED for each object, then a BOOKMARK marked initial-events-end', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  await api.create(c, { metadata: { name: 'a' } });
  await api.create(c, { metadata: { name: 'b' } });
  const watch = await api.watch(c, {
    sendInitialEvents: true,
    resourceVersionMatch: 'NotOlderThan',
    allowWatchBookmarks: true,
  });
  const events = [await watch.next(), await watch.next(), await watch.next()];
  watch.close();
  expect(
    events
      .slice(0, 2)
      .map((e) => `${e.type} ${e.object.metadata?.name}`)
      .sort(),
  ).toEqual(['ADDED a', 'ADDED b']);
  expect(events[2]?.type).toBe('BOOKMARK');
  expect(events[2]?.object.metadata?.annotations).toEqual({ 'k8s.io/initial-events-end': 'true' });
  expect(events[2]?.object.kind).toBe('ConfigMap');
});

conformance('the initial-events-end bookmark carries a resourceVersion at least the last ADDED', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const created = await api.create(c, { metadata: { name: 'a' } });
  const watch = await api.watch(c, {
    sendInitialEvents: true,
    resourceVersionMatch: 'NotOlderThan',
    allowWatchBookmarks: true,
  });
  await watch.next();
  const bookmark = await watch.next();
  watch.close();
  expect(Number(bookmark.object.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
    Number(created.metadata?.resourceVersion),
  );
});

conformance('sendInitialEvents without resourceVersionMatch=NotOlderThan fails 422 Invalid', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const status = await failure(
    api.watch(core('configmaps', ns), { sendInitialEvents: true, allowWatchBookmarks: true }),
  );
  expect(status).toMatchObject({ code: 422, reason: 'Invalid' });
});

conformance('sendInitialEvents without allowWatchBookmarks still sends the initial ADDED events', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  await api.create(core('configmaps', ns), { metadata: { name: 'a' } });
  const watch = await api.watch(core('configmaps', ns), {
    sendInitialEvents: true,
    resourceVersionMatch: 'NotOlderThan',
  });
  const event = await watch.next();
  watch.close();
  expect(`${event.type} ${event.object.metadata?.name}`).toBe('ADDED a');
});

/** Lists, creates one object, compacts, then watches from the list's resourceVersion; returns the first event. */
async function watchAfterCompaction(t: Target): Promise<Event> {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const list = await api.list(c);
  await api.create(c, { metadata: { name: uniqueName() } });
  await t.compact();
  const watch = await api.watch(c, { resourceVersion: list.metadata.resourceVersion });
  const event = await watch.next();
  watch.close();
  return event;
}

// etcd keeps the compaction's own revision, so a watch from the revision just under it still starts.
conformance('a watch from the resourceVersion just before a compaction replays the change made at it', async (t) => {
  expect((await watchAfterCompaction(t)).type).toBe('ADDED');
});

conformance('a watch from a resourceVersion two changes before a compaction gets 410 Expired', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const list = await api.list(c);
  await api.create(c, { metadata: { name: uniqueName() } });
  await api.create(c, { metadata: { name: uniqueName() } });
  await t.compact();
  const watch = await api.watch(c, { resourceVersion: list.metadata.resourceVersion });
  const event = await watch.next();
  watch.close();
  expect(event.type).toBe('ERROR');
  expect(event.object).toMatchObject({ kind: 'Status', status: 'Failure', code: 410, reason: 'Expired' });
});

conformance('timeoutSeconds ends the watch cleanly', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const list = await api.list(core('configmaps', ns));
  const watch = await api.watch(core('configmaps', ns), {
    resourceVersion: list.metadata.resourceVersion,
    timeoutSeconds: 1,
  });
  expect(await watch.ends()).toBe(true);
});

conformance('a custom resource watch sees status writes as MODIFIED', async (t) => {
  const api = await ensureWidgets(t);
  const ns = await t.namespace();
  await api.create(widgets(ns), widget('w'));
  const list = await api.list(widgets(ns));
  const watch = await api.watch(widgets(ns), { resourceVersion: list.metadata.resourceVersion });
  await api.patch(widgets(ns), 'w', 'merge', { status: { ready: true } }, {}, 'status');
  const event = await watch.next();
  watch.close();
  expect(event.type).toBe('MODIFIED');
  expect(event.object.status).toEqual({ ready: true });
});

conformance('a no-op update produces no watch event', async (t) => {
  const api = new Api(t);
  const ns = await t.namespace();
  const c = core('configmaps', ns);
  const created = await api.create(c, { metadata: { name: 'a' }, data: { k: '1' } });
  const watch = await api.watch(c, { resourceVersion: created.metadata?.resourceVersion });
  await api.update(c, 'a', created);
  await api.create(c, { metadata: { name: 'b' } });
  const event = await watch.next();
  watch.close();
  expect(`${event.type} ${event.object.metadata?.name}`).toBe('ADDED b');
});
