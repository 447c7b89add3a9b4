/** Tracks field ownership (metadata.managedFields, FieldsV1) for the fake API server's writes. */
import { diffFields } from './object-fields.js';
import { isRecord } from './objects.js';
import type { ObjectSchema } from './schema.js';
import type { Obj } from './store.js';

/** FieldsV1: `f:<field>` children, `.` marking the map itself as owned. */
export type FieldSet = { [element: string]: FieldSet };

/** One metadata.managedFields entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldSet;
  subresource?: string;
}

/** A path into an object as FieldsV1 elements (`f:spec`, `f:replicas`). */
export type FieldPath = readonly string[];

/** Metadata the apiserver never records ownership of. */
const ignoredMetadata = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
  'generateName',
]);

/** The part of an object whose fields are tracked: no apiVersion/kind/system metadata; status per subresource. */
export function trackedPart(object: Obj, scope: 'main' | 'status' | 'all'): Obj {
  const out: Obj = {};
  for (const [key, value] of Object.entries(object)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (scope === 'status' && key !== 'status') continue;
    if (scope === 'main' && key === 'status') continue;
    if (key === 'metadata' && isRecord(value)) {
      const meta = Object.fromEntries(Object.entries(value).filter(([field]) => !ignoredMetadata.has(field)));
      if (Object.keys(meta).length > 0) out.metadata = meta;
      continue;
    }
    out[key] = value;
  }
  return out;
}

/**
 * The fields an Update changed from `before` to `after`, and the paths it removed. Top-level `metadata` (and a
 * built-in's `spec` and `status`) are structs, never owned as a whole: they get no `.`.
 */
export function changedFields(
  before: Obj,
  after: Obj,
  schema: ObjectSchema | undefined,
  builtin: boolean,
): { changed: FieldSet; removed: FieldPath[] } {
  const { changed, removed } = diffFields(before, after, schema);
  for (const struct of builtin ? ['f:metadata', 'f:spec', 'f:status'] : ['f:metadata']) delete changed[struct]?.['.'];
  return { changed, removed };
}

/** The owned paths of a set: every `.`-marked map and every leaf. */
export function leafPaths(set: FieldSet, prefix: string[] = []): FieldPath[] {
  const out: FieldPath[] = [];
  for (const [element, child] of Object.entries(set)) {
    if (element === '.') {
      out.push(prefix);
      continue;
    }
    const path = [...prefix, element];
    if (Object.keys(child).length === 0) out.push(path);
    else out.push(...leafPaths(child, path));
  }
  return out;
}

/** A set holding exactly `paths`. */
export function setOf(paths: readonly FieldPath[]): FieldSet {
  const root: FieldSet = {};
  const ends: FieldSet[] = [];
  for (const path of paths) {
    let node = root;
    for (const element of path) {
      node[element] ??= {};
      node = node[element] as FieldSet;
    }
    if (path.length > 0) ends.push(node);
  }
  // A path that is also a prefix of another marks its map as owned itself.
  for (const node of ends) if (Object.keys(node).some((key) => key !== '.')) node['.'] = {};
  return sorted(root);
}

/** The apiserver's FieldsV1 order: `.` first, then the elements sorted. */
function sorted(set: FieldSet): FieldSet {
  const out: FieldSet = {};
  for (const key of Object.keys(set).sort((a, b) => (a === '.' ? -1 : b === '.' ? 1 : a < b ? -1 : a > b ? 1 : 0))) {
    out[key] = sorted(set[key] as FieldSet);
  }
  return out;
}

/** The union of two sets. */
export function union(a: FieldSet, b: FieldSet): FieldSet {
  return setOf([...leafPaths(a), ...leafPaths(b)]);
}

/** `set` without `paths` and without anything under them. */
export function without(set: FieldSet, paths: readonly FieldPath[]): FieldSet {
  const keys = paths.map((path) => path.join('\u0000'));
  const covered = (path: FieldPath): boolean => {
    const joined = path.join('\u0000');
    return keys.some((key) => joined === key || joined.startsWith(`${key}\u0000`));
  };
  return setOf(leafPaths(set).filter((path) => !covered(path)));
}

/**
 * Whether `path` is owned in `set`: listed as a leaf or a `.`-marked map or item, or under a leaf (an atomic value).
 * Owning a map's `.` does not own fields added to it later.
 */
export function owns(set: FieldSet, path: FieldPath): boolean {
  let node: FieldSet | undefined = set;
  for (const element of path) {
    node = node[element];
    if (node === undefined) return false;
    if (Object.keys(node).length === 0) return true;
  }
  return '.' in node;
}

/** Records an Update by `manager`: it gains what changed, others lose it; entries with nothing left go. */
export function recordUpdate(
  entries: readonly ManagedFieldsEntry[],
  update: { manager: string; apiVersion: string; time: string; subresource?: string | undefined },
  changed: FieldSet,
  removed: readonly FieldPath[],
): ManagedFieldsEntry[] {
  const changedPaths = leafPaths(changed);
  if (changedPaths.length === 0 && removed.length === 0) return [...entries];
  const lost = [...changedPaths, ...removed];
  const out: ManagedFieldsEntry[] = [];
  let mine: ManagedFieldsEntry | undefined;
  for (const entry of entries) {
    const isMine =
      entry.manager === update.manager &&
      entry.operation === 'Update' &&
      (entry.subresource ?? '') === (update.subresource ?? '');
    if (isMine) {
      mine = entry;
      continue;
    }
    const fieldsV1 = without(entry.fieldsV1, lost);
    if (leafPaths(fieldsV1).length > 0) out.push({ ...entry, fieldsV1 });
  }
  const fieldsV1 = without(union(mine?.fieldsV1 ?? {}, changed), removed);
  if (leafPaths(fieldsV1).length === 0) return out;
  out.push({
    manager: update.manager,
    operation: 'Update',
    apiVersion: update.apiVersion,
    time: update.time,
    fieldsType: 'FieldsV1',
    fieldsV1,
    ...(update.subresource ? { subresource: update.subresource } : {}),
  });
  return out;
}
