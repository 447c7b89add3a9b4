/** Merges a server-side apply into an object with field ownership and conflicts, for the cases the fake models. */
import {
  type FieldPath,
  leafPaths,
  type ManagedFieldsEntry,
  owns,
  setOf,
  trackedPart,
  without,
} from './managed-fields.js';
import { fieldsOf, mergeInto, printPath, removeAt, valueAt } from './object-fields.js';
import { apiVersionOf, copy, jsonEqual, metaOf, timestamp } from './objects.js';
import type { ResourceType } from './registry.js';
import { schemaFor } from './schema.js';
import { failure } from './status.js';
import type { Obj } from './store.js';

/** One apply request. */
export interface ApplyRequest {
  readonly manager: string;
  readonly force: boolean;
  readonly subresource: 'status' | undefined;
  readonly now: Date;
}

/** The object after the apply and the managedFields to store with it. */
export interface ApplyResult {
  readonly object: Obj;
  readonly managedFields: ManagedFieldsEntry[];
}

/**
 * Applies `applied` over `existing` (absent: the apply creates): the manager's applied set replaces its previous
 * one, fields it stops applying are removed unless another manager owns them, and a field another manager owns
 * with a different value is a conflict (409) unless `force` takes it over.
 *
 * Lists of type `map` merge per key and `set` lists per value (from the built-in OpenAPI data or the CRD schema);
 * other lists are atomic, as on the real server. Not modelled: `x-kubernetes-map-type: atomic` maps (merged field
 * by field here) and unions; apply bodies must be JSON (YAML is refused with 400).
 */
export function applyObject(
  type: ResourceType,
  existing: Obj | undefined,
  applied: Obj,
  request: ApplyRequest,
): ApplyResult {
  const scope = request.subresource === 'status' ? 'status' : type.subresources.has('status') ? 'main' : 'all';
  const part = trackedPart(applied, scope);
  const schema = schemaFor(type);
  const appliedSet = setOf(leafPaths(fieldsOf(part, schema, false)));
  const appliedPaths = leafPaths(appliedSet);
  const entries = (existing ? (metaOf(existing).managedFields ?? []) : []) as ManagedFieldsEntry[];
  const isMine = (entry: ManagedFieldsEntry): boolean =>
    entry.manager === request.manager &&
    entry.operation === 'Apply' &&
    (entry.subresource ?? '') === (request.subresource ?? '');
  const others = entries.filter((entry) => !isMine(entry));
  const conflicts = findConflicts(others, appliedPaths, existing, applied);
  if (conflicts.length > 0 && !request.force) throw conflictFailure(conflicts);
  const lost = new Map<ManagedFieldsEntry, FieldPath[]>();
  for (const { entry, path } of conflicts) lost.set(entry, [...(lost.get(entry) ?? []), path]);
  const kept = others
    .map((entry) => ({ ...entry, fieldsV1: without(entry.fieldsV1, lost.get(entry) ?? []) }))
    .filter((entry) => leafPaths(entry.fieldsV1).length > 0);
  const previous = entries.find(isMine);
  const object = existing ? copy(existing) : {};
  for (const path of leafPaths(previous?.fieldsV1 ?? {})) {
    const stillApplied = appliedPaths.some((p) => p.join('\u0000') === path.join('\u0000'));
    if (!stillApplied && !kept.some((entry) => owns(entry.fieldsV1, path))) removeAt(object, path);
  }
  mergeInto(object, part, schema);
  const mine: ManagedFieldsEntry = {
    manager: request.manager,
    operation: 'Apply',
    apiVersion: apiVersionOf(type),
    time: timestamp(request.now),
    fieldsType: 'FieldsV1',
    fieldsV1: appliedSet,
    ...(request.subresource ? { subresource: request.subresource } : {}),
  };
  const index = previous ? entries.indexOf(previous) : -1;
  const managedFields = index >= 0 ? [...kept.slice(0, index), mine, ...kept.slice(index)] : [...kept, mine];
  if (existing === undefined) object.metadata = { ...metaOf(applied) };
  return { object, managedFields };
}

interface Conflict {
  readonly entry: ManagedFieldsEntry;
  readonly path: FieldPath;
}

function findConflicts(
  others: readonly ManagedFieldsEntry[],
  paths: readonly FieldPath[],
  existing: Obj | undefined,
  applied: Obj,
): Conflict[] {
  if (!existing) return [];
  const conflicts: Conflict[] = [];
  for (const entry of others) {
    for (const path of paths) {
      if (owns(entry.fieldsV1, path) && !jsonEqual(valueAt(existing, path), valueAt(applied, path))) {
        conflicts.push({ entry, path });
      }
    }
  }
  return conflicts;
}

/** The apiserver's 409 for apply conflicts: one line per manager, one cause per field. */
function conflictFailure(conflicts: readonly Conflict[]): Error {
  const byManager = new Map<string, string[]>();
  for (const { entry, path } of conflicts) {
    const who = managerName(entry);
    byManager.set(who, [...(byManager.get(who) ?? []), printPath(path)]);
  }
  const count = conflicts.length;
  const lines = [...byManager].map(([who, fields]) =>
    fields.length === 1
      ? `conflict with ${who}: ${fields[0]}`
      : `conflicts with ${who}:\n${fields.map((f) => `- ${f}`).join('\n')}`,
  );
  const message = `Apply failed with ${count} conflict${count === 1 ? '' : 's'}: ${lines.join('\n')}`;
  return failure(409, 'Conflict', message, {
    causes: conflicts.map(({ entry, path }) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${managerName(entry)}`,
      field: printPath(path),
    })),
  });
}

/** How conflicts name a manager: an Update manager with the apiVersion it wrote. */
function managerName(entry: ManagedFieldsEntry): string {
  return entry.operation === 'Update' ? `"${entry.manager}" using ${entry.apiVersion}` : `"${entry.manager}"`;
}
