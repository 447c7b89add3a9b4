/** Walks objects as FieldsV1 paths (`f:` fields, `k:` keyed list items, `v:` set values), guided by merge schemas. */
import type { FieldPath, FieldSet } from './managed-fields.js';
import { copy, isRecord, jsonEqual } from './objects.js';
import type { FieldSchema, ListSchema, ObjectSchema } from './schema.js';
import type { Obj } from './store.js';

/** A list whose items are tracked one by one (`map` by key, `set` by value). */
function keyedList(field: FieldSchema | undefined): ListSchema | undefined {
  return field?.kind === 'list' && field.listType !== 'atomic' ? field : undefined;
}

function objectOf(field: FieldSchema | undefined): ObjectSchema | undefined {
  return field?.kind === 'object' ? field : undefined;
}

/** The FieldsV1 element of a list item: `k:{"name":"x"}` in a map list, `v:"x"` in a set. */
function itemElement(item: unknown, list: ListSchema): string | undefined {
  if (list.listType === 'set') return `v:${JSON.stringify(item)}`;
  if (!isRecord(item)) return undefined;
  const key: Record<string, unknown> = {};
  for (const name of list.keys) if (item[name] !== undefined) key[name] = item[name];
  return `k:${JSON.stringify(key)}`;
}

/** Every leaf of a value as a FieldSet; maps get `.` when `owned` (an Update that created them); list items always. */
export function fieldsOf(value: Obj, schema: ObjectSchema | undefined, owned: boolean): FieldSet {
  const set: FieldSet = {};
  for (const [key, child] of Object.entries(value)) {
    if (child !== undefined) set[`f:${key}`] = childFields(child, schema?.field(key), owned);
  }
  return set;
}

function childFields(child: unknown, field: FieldSchema | undefined, owned: boolean): FieldSet {
  const list = keyedList(field);
  if (list && Array.isArray(child)) {
    const set: FieldSet = {};
    for (const item of child) {
      const element = itemElement(item, list);
      if (element === undefined) continue;
      set[element] = list.listType === 'map' && isRecord(item) ? { '.': {}, ...fieldsOf(item, list.items, owned) } : {};
    }
    return set;
  }
  if (isRecord(child) && Object.keys(child).length > 0) {
    const inner = fieldsOf(child, objectOf(field), owned);
    return owned ? { '.': {}, ...inner } : inner;
  }
  return {};
}

/** What an Update changed from `before` to `after` (new maps and items marked `.`), and the paths it removed. */
export function diffFields(
  before: Obj,
  after: Obj,
  schema: ObjectSchema | undefined,
): { changed: FieldSet; removed: FieldPath[] } {
  const changed: FieldSet = {};
  const removed: FieldPath[] = [];
  diff(before, after, schema, [], changed, removed);
  return { changed, removed };
}

function diff(
  before: Obj,
  after: Obj,
  schema: ObjectSchema | undefined,
  path: string[],
  changed: FieldSet,
  removed: FieldPath[],
): void {
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    const element = `f:${key}`;
    const old = before[key];
    const field = schema?.field(key);
    const list = keyedList(field);
    let child: FieldSet | undefined;
    if (isRecord(value) && isRecord(old)) {
      child = {};
      diff(old, value, objectOf(field), [...path, element], child, removed);
    } else if (list && Array.isArray(value) && Array.isArray(old)) {
      child = diffList(old, value, list, [...path, element], removed);
    } else if (old === undefined || !jsonEqual(old, value)) {
      changed[element] = childFields(value, field, true);
      continue;
    }
    if (child && Object.keys(child).length > 0) changed[element] = child;
  }
  for (const key of Object.keys(before)) {
    if (after[key] === undefined && before[key] !== undefined) removed.push([...path, `f:${key}`]);
  }
}

function diffList(
  old: readonly unknown[],
  value: readonly unknown[],
  list: ListSchema,
  path: string[],
  removed: FieldPath[],
): FieldSet {
  const set: FieldSet = {};
  const oldByElement = new Map(old.map((item) => [itemElement(item, list), item]));
  for (const item of value) {
    const element = itemElement(item, list);
    if (element === undefined) continue;
    const previous = oldByElement.get(element);
    if (previous === undefined) {
      set[element] = list.listType === 'map' && isRecord(item) ? { '.': {}, ...fieldsOf(item, list.items, true) } : {};
    } else if (list.listType === 'map' && isRecord(item) && isRecord(previous)) {
      const child: FieldSet = {};
      diff(previous, item, list.items, [...path, element], child, removed);
      if (Object.keys(child).length > 0) set[element] = child;
    }
  }
  const kept = new Set(value.map((item) => itemElement(item, list)));
  for (const element of oldByElement.keys())
    if (element !== undefined && !kept.has(element)) removed.push([...path, element]);
  return set;
}

/** The value at a path (a keyed item, a set value or a field); undefined when absent. */
export function valueAt(object: unknown, path: FieldPath): unknown {
  let node: unknown = object;
  for (const element of path) node = step(node, element)?.value;
  return node;
}

/** One step down: the child and where it sits (its key in a map, or its index in a list). */
function step(node: unknown, element: string): { value: unknown; at: string | number } | undefined {
  const body = element.slice(2);
  if (element.startsWith('f:'))
    return isRecord(node) && node[body] !== undefined ? { value: node[body], at: body } : undefined;
  if (!Array.isArray(node)) return undefined;
  const wanted: unknown = JSON.parse(body);
  const index = element.startsWith('k:')
    ? node.findIndex(
        (item) => isRecord(item) && isRecord(wanted) && Object.entries(wanted).every(([k, v]) => jsonEqual(item[k], v)),
      )
    : node.findIndex((item) => jsonEqual(item, wanted));
  return index < 0 ? undefined : { value: node[index], at: index };
}

/** Removes the field, keyed item or set value at a path, in place. */
export function removeAt(object: Obj, path: FieldPath): void {
  const last = path[path.length - 1];
  if (last === undefined) return;
  const parent = valueAt(object, path.slice(0, -1));
  const found = step(parent, last);
  if (!found) return;
  if (Array.isArray(parent)) parent.splice(found.at as number, 1);
  else if (isRecord(parent)) delete parent[found.at as string];
}

/** Merges `source` into `target` in place: maps by field, keyed lists by key (sets by value), other values replaced. */
export function mergeInto(target: Obj, source: Obj, schema: ObjectSchema | undefined): void {
  for (const [key, value] of Object.entries(source)) {
    const field = schema?.field(key);
    const list = keyedList(field);
    const current = target[key];
    if (isRecord(value) && isRecord(current)) mergeInto(current, value, objectOf(field));
    else if (list && Array.isArray(value) && Array.isArray(current)) mergeList(current, value, list);
    else target[key] = copy(value);
  }
}

function mergeList(current: unknown[], items: readonly unknown[], list: ListSchema): void {
  for (const item of items) {
    const element = itemElement(item, list);
    const index = current.findIndex((existing) => itemElement(existing, list) === element);
    if (index < 0) current.push(copy(item));
    else if (list.listType === 'map' && isRecord(item) && isRecord(current[index]))
      mergeInto(current[index] as Obj, item, list.items);
    else current[index] = copy(item);
  }
}

/** `.spec.containers[name="main"].image`: how conflict messages print a path. */
export function printPath(path: FieldPath): string {
  return path
    .map((element) => {
      const body = element.slice(2);
      if (element.startsWith('f:')) return `.${body}`;
      if (element.startsWith('v:')) return `[${body}]`;
      const key = JSON.parse(body) as Record<string, unknown>;
      return `[${Object.entries(key)
        .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
        .join(',')}]`;
    })
    .join('');
}
